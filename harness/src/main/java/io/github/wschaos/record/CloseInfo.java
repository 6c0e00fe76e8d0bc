package io.github.wschaos.record;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * How a connection closed.
 *
 * <p>{@code closeFrame} tells whether a WebSocket close frame was seen at all. When it was, {@code closer}
 * sent the first one, with {@code code} (empty when the frame carried no status code, which a peer
 * reports as 1005) and {@code reason}. When it was not, {@code closer} is the side whose TCP close came
 * first, and the other side's client reports 1006 (abnormal closure).
 *
 * @param closer who ended the connection
 * @param closeFrame whether a close frame was seen before TCP closed
 * @param code the status code of the first close frame, if any
 * @param reason the reason of the first close frame, empty if none
 * @param cause for {@link Closer#PROXY}, what made the proxy close (a fault's name, "proxy closed");
 *     otherwise empty
 */
public record CloseInfo(Closer closer, boolean closeFrame, OptionalInt code, String reason, String cause) {

    public CloseInfo {
        Objects.requireNonNull(closer, "closer");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(cause, "cause");
    }

    /**
     * The code a client reports for this close: the frame's code, 1005 for a frame with none, 1006 for no frame, and
     * 1006 for a frame with 1005, 1006 or 1015, codes that must never be sent (Chromium fails such a connection and
     * reports 1006).
     */
    public int reportedCode() {
        if (!closeFrame) {
            return 1006;
        }
        int sent = code.orElse(1005);
        return code.isPresent() && (sent == 1005 || sent == 1006 || sent == 1015) ? 1006 : sent;
    }

    @Override
    public String toString() {
        if (!closeFrame) {
            return "no close frame, TCP closed by " + closer.name().toLowerCase(java.util.Locale.ROOT)
                    + (cause.isEmpty() ? "" : " (" + cause + ")");
        }
        return closer.name().toLowerCase(java.util.Locale.ROOT) + " sent close "
                + (code.isPresent() ? code.getAsInt() : "without code")
                + (reason.isEmpty() ? "" : " '" + reason + "'")
                + (cause.isEmpty() ? "" : " (" + cause + ")");
    }
}
