package io.github.wschaos.fault;

/**
 * Nothing listens: a server that is down, a wrong port, a container that cannot reach the host. The proxy resets
 * the connection the moment it is accepted (a TCP RST, before any byte), which clients report as
 * "Connection reset" or "Connection refused" depending on when they notice. Recorded as {@code REFUSED}.
 *
 * <p>Targeted at {@link Target#upgrades()} or a {@link Target#path(String)}, it reads the request head first and
 * resets only the connections whose request it targets, as a firewall that resets WebSocket upgrades does; the
 * upstream never sees them, and plain HTTP is relayed as usual.
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
