package io.github.wschaos.fault;

import java.time.Duration;

/**
 * Toxiproxy's {@code timeout} toxic: a hung peer. Every byte in the direction is dropped, and once {@code timeout}
 * has passed with no data in that direction (counted from the toxic's start, the connection's or the arming for
 * connections already open, and started over by each chunk dropped, as Toxiproxy's loop does) both TCP connections
 * are closed with a FIN and no close frame: a heartbeat keeps the connection open, and silent. A timeout of zero never
 * closes: the connection just hangs.
 *
 * <p>The client observes silence (a handshake that never completes, or messages with no answer), then a
 * connection closed without a close frame (JDK client: {@code onClose} 1006). As in Toxiproxy, disarming closes the
 * connections it held, since the bytes it dropped are gone; new connections are relayed normally. The timeout is
 * multiplied by the proxy's time scale.
 *
 * @param timeout how long without data until the connection is closed, zero for never
 * @param direction which traffic is dropped (Toxiproxy's {@code stream}: upstream is client to server)
 */
public record Timeout(Duration timeout, Direction direction) implements Fault {

    public Timeout {
        Checks.notNegative("timeout", timeout);
        Checks.direction(direction);
    }

    @Override
    public String name() {
        return "timeout";
    }

    @Override
    public Stage stage() {
        return Stage.BYTES;
    }
}
