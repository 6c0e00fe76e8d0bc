package io.github.wschaos.fault;

import java.time.Duration;

/**
 * Toxiproxy's {@code slow_close} toxic: when the sending side closes, the receiving side's TCP connection is closed
 * only {@code delay} later; data flows as usual until then.
 *
 * <p>With {@link Direction#DOWNSTREAM}, the client observes the end of a connection the server dropped late: no byte
 * and no FIN for {@code delay}, then the FIN (JDK client: {@code onClose} 1006). It acts from the moment of
 * connection and on the connections already open when it is armed; disarming closes at once what it was holding
 * open. The delay is multiplied by the proxy's time scale.
 *
 * @param delay how long a close is held back, zero or more
 * @param direction whose close is held back: downstream holds the client's, upstream the server's
 */
public record SlowClose(Duration delay, Direction direction) implements Fault {

    public SlowClose {
        Checks.notNegative("slow close delay", delay);
        Checks.direction(direction);
    }

    @Override
    public String name() {
        return "slow-close";
    }

    @Override
    public Stage stage() {
        return Stage.BYTES;
    }
}
