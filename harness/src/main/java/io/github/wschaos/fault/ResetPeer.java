package io.github.wschaos.fault;

import java.time.Duration;

/**
 * Toxiproxy's {@code reset_peer} toxic: the first bytes (or close) in the direction after the toxic starts are
 * dropped, nothing more passes, and {@code timeout} later both TCP connections are reset (RST, SO_LINGER 0) with no
 * close frame. A timeout of zero resets at once.
 *
 * <p>The client observes "Connection reset" (a raw socket's read throws; the JDK WebSocket client reports
 * {@code 1006}). With {@link Direction#UPSTREAM} armed before connecting, the handshake request itself triggers it.
 * Once triggered the reset comes even if the fault is disarmed meanwhile (the bytes it dropped are gone), as in
 * Toxiproxy; untriggered connections are left alone. The timeout is multiplied by the proxy's time scale.
 *
 * @param timeout how long after the first bytes the connection is reset, zero or more
 * @param direction whose bytes trigger the reset (Toxiproxy's {@code stream}: upstream is client to server)
 */
public record ResetPeer(Duration timeout, Direction direction) implements Fault {

    public ResetPeer {
        Checks.notNegative("reset_peer timeout", timeout);
        Checks.direction(direction);
    }

    @Override
    public String name() {
        return "reset-peer";
    }

    @Override
    public Stage stage() {
        return Stage.BYTES;
    }
}
