package io.github.wschaos.fault;

import java.time.Duration;

/**
 * A slow network or a cold start: the request is held for {@code delay} before it goes on to the upstream, so
 * the answer reaches the client that much later. A client with a shorter handshake timeout gives up (recorded as
 * {@code TIMED_OUT}). The delay is multiplied by the proxy's time scale.
 *
 * @param delay how long to hold the handshake, positive
 */
public record DelayHandshake(Duration delay) implements Fault {

    public DelayHandshake {
        Checks.positive("handshake delay", delay);
    }

    @Override
    public String name() {
        return "delay-handshake";
    }

    @Override
    public Stage stage() {
        return Stage.HANDSHAKE;
    }
}
