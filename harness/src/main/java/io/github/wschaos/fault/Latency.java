package io.github.wschaos.fault;

import java.time.Duration;

/**
 * Toxiproxy's {@code latency} toxic: a slow link. Each chunk of bytes read from the sending side reaches the other
 * side {@code latency} ± {@code jitter} after it arrived (uniformly drawn per chunk from the proxy's seed, never
 * below zero), and chunks keep their order: a chunk never overtakes the one before it, as in Toxiproxy.
 *
 * <p>It acts on raw TCP bytes from the moment of connection, so the handshake is slowed too, and on the
 * connections already open when it is armed. The client observes every answer late (with {@link Direction#BOTH},
 * a round trip takes at least twice {@code latency}). While bytes are held the proxy reads less from the sender, the
 * way a long round trip limits a TCP window. Disarming passes the held bytes on at once. Both durations are
 * multiplied by the proxy's time scale.
 *
 * @param latency the delay added to each chunk, zero or more
 * @param jitter the most a chunk's delay differs from {@code latency}, either way, zero or more
 * @param direction which traffic is delayed (Toxiproxy's {@code stream}: upstream is client to server)
 */
public record Latency(Duration latency, Duration jitter, Direction direction) implements Fault {

    public Latency {
        Checks.notNegative("latency", latency);
        Checks.notNegative("jitter", jitter);
        Checks.direction(direction);
    }

    @Override
    public String name() {
        return "latency";
    }

    @Override
    public Stage stage() {
        return Stage.BYTES;
    }
}
