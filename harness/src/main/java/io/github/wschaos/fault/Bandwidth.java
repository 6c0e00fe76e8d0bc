package io.github.wschaos.fault;

/**
 * Toxiproxy's {@code bandwidth} toxic: a thin link. Bytes pass at no more than {@code rate} kilobytes (1000 bytes)
 * per second: each chunk leaves once its transmission time at that rate has passed, and chunks larger than
 * 100 ms worth of bytes leave in 100 ms pieces, as in Toxiproxy.
 *
 * <p>It acts on raw TCP bytes from the moment of connection (the handshake included) and on the connections
 * already open when it is armed. The client observes large messages arriving slowly: {@code n} bytes take at least
 * {@code n / (rate * 1000)} seconds. The rate is not changed by the proxy's time scale. Disarming passes the held
 * bytes on at once. Toxiproxy reads a rate of 0 as "unlimited"; here 0 is refused: disarm the fault instead.
 *
 * @param rate the most kilobytes (1000 bytes) per second, at least 1
 * @param direction which traffic is limited (Toxiproxy's {@code stream}: upstream is client to server)
 */
public record Bandwidth(long rate, Direction direction) implements Fault {

    public Bandwidth {
        Checks.atLeast("bandwidth rate (KB/s)", rate, 1, "100 for 100 KB/s");
        Checks.direction(direction);
    }

    @Override
    public String name() {
        return "bandwidth";
    }

    @Override
    public Stage stage() {
        return Stage.BYTES;
    }
}
