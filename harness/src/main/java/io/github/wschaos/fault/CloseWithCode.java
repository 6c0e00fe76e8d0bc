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
 * <p>{@code 1005} is never sent as a code: it stands for a close frame without one (an empty payload, as Node's
 * {@code ws.close()} with no arguments sends), which clients report as {@code 1005} ("no status code").
 *
 * @param code a code that may be sent in a close frame (1000-1003, 1007-1014, 3000-4999), or {@code 1005} for a close
 *     frame without a code
 * @param reason the reason, at most 123 bytes of UTF-8; empty with {@code 1005}
 * @param after how long after the upgrade, zero or more
 * @param alsoUpstream whether the upstream gets a close frame too
 */
public record CloseWithCode(int code, String reason, Duration after, boolean alsoUpstream) implements Fault {

    /** The code clients report for a close frame that carries none (RFC 6455, 7.4.1). */
    public static final int NO_STATUS_CODE = 1005;

    public CloseWithCode {
        Checks.closeCode(code);
        Objects.requireNonNull(reason, "reason");
        if (code == NO_STATUS_CODE && !reason.isEmpty()) {
            throw new IllegalArgumentException("close code 1005 stands for a close frame without a code, which has no room"
                    + " for a reason; got reason '" + reason + "' (give a code such as 1000 to send a reason)");
        }
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
