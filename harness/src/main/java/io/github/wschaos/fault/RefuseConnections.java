package io.github.wschaos.fault;

/**
 * Nothing listens: a server that is down, a wrong port, a container that cannot reach the host. The proxy resets
 * the connection the moment it is accepted (a TCP RST, before any byte), which clients report as
 * "Connection reset" or "Connection refused" depending on when they notice. Recorded as {@code REFUSED}.
 */
public record RefuseConnections() implements Fault {

    @Override
    public String name() {
        return "refuse";
    }

    @Override
    public Stage stage() {
        return Stage.CONNECT;
    }
}
