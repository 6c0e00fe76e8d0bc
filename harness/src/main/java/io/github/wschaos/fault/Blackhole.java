package io.github.wschaos.fault;

/**
 * A firewall that drops packets: TCP is accepted, then nothing is ever answered or read. The client's
 * handshake times out (JDK: {@code HttpTimeoutException}; browsers after a long wait). Recorded as
 * {@code TIMED_OUT} when the client gives up.
 */
public record Blackhole() implements Fault {

    @Override
    public String name() {
        return "blackhole";
    }

    @Override
    public Stage stage() {
        return Stage.CONNECT;
    }
}
