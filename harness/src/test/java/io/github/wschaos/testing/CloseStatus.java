package io.github.wschaos.testing;

import java.util.Optional;

/**
 * A close code and reason: one a server received from a client, or one a {@code close:<code>:<reason>}
 * command asks the server to send (see {@link EchoServer}).
 *
 * @param code the close status code
 * @param reason the close reason, empty if none
 */
public record CloseStatus(int code, String reason) {

    /** The {@code close:<code>:<reason>} command in {@code text}, if it is one. */
    static Optional<CloseStatus> parseCommand(String text) {
        if (!text.startsWith("close:")) {
            return Optional.empty();
        }
        int colon = text.indexOf(':', 6);
        if (colon < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new CloseStatus(Integer.parseInt(text.substring(6, colon)), text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return code + (reason.isEmpty() ? "" : " '" + reason + "'");
    }
}
