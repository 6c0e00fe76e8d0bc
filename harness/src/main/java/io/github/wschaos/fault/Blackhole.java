package io.github.wschaos.fault;

/**
 * A firewall that drops packets: TCP is accepted, then nothing is ever answered or read. The client's
 * handshake times out (JDK: {@code HttpTimeoutException}; browsers after a long wait). Recorded as
 * {@code TIMED_OUT} when the client gives up.
 *
 * <p>Targeted at {@link Target#upgrades()} or a {@link Target#path(String)}, it reads the request head first and
 * swallows only the requests it targets, as a deep-packet-inspecting firewall that drops WebSocket upgrades does:
 * the upstream never sees them, the connection stays open and unanswered, and plain HTTP is relayed as usual.
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
