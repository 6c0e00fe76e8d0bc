package io.github.wschaos.fault;

import java.time.Duration;
import java.util.Objects;

/**
 * The server goes away with a close frame: a deploy ({@code 1001}), a restart ({@code 1012}), overload
 * ({@code 1013}), a server error ({@code 1011}) or an application code (4000-4999).
 *
 * <p>{@code after} the upgrade (at once for connections already open when the fault is armed), the client gets a
 * close frame with {@code code} and {@code reason}; the upstream gets one too when {@code alsoUpstream} is set.
 * Relaying stops; the proxy waits briefly for the client's answering close frame, then closes TCP, as a server
 * would. The delay is multiplied by the proxy's time scale.
 *
 * @param code a code that may be sent in a close frame (1000-1003, 1007-1014, 3000-4999)
 * @param reason the reason, at most 123 bytes of UTF-8
 * @param after how long after the upgrade, zero or more
 * @param alsoUpstream whether the upstream gets a close frame too
 */
public record CloseWithCode(int code, String reason, Duration after, boolean alsoUpstream) implements Fault {

    public CloseWithCode {
        Checks.closeCode(code);
        Objects.requireNonNull(reason, "reason");
        if (reason.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 123) {
            throw new IllegalArgumentException("close reason '" + reason + "' is longer than 123 bytes of UTF-8");
        }
        Checks.notNegative("close delay", after);
    }

    @Override
    public String name() {
        return "close-with-code";
    }

    @Override
    public Stage stage() {
        return Stage.FRAMES;
    }
}
