package io.github.wschaos.fault;

/** How a middlebox ends a connection it found idle: what the client and the server see. */
public enum IdleCut {
    /**
     * A FIN to both sides, no close frame: nginx's {@code proxy_read_timeout}, Heroku's router, an AWS ALB, haproxy's
     * {@code timeout tunnel}. The client reports {@code 1006} (the JDK: {@code onClose} 1006). Before the upgrade, a
     * request whose answer has not started gets the proxy's {@code 504 Gateway Time-out} instead, as from nginx.
     */
    FIN,
    /**
     * A TCP reset to both sides: an Azure Load Balancer with "TCP reset on idle", haproxy with {@code option nolinger}.
     * The client reports a reset (the JDK: {@code onError} with "Connection reset").
     */
    RESET,
    /**
     * A close frame {@code 1001 "Connection Idle Timeout"} to the client (and to the upstream), then TCP closed as
     * {@link CloseWithCode} closes it: a WebSocket server's own idle timeout, as Jetty's ({@code setIdleTimeout})
     * sends it. The client reports {@code 1001} with that reason (the JDK: {@code onClose} 1001). Upgraded connections
     * only: a plain HTTP exchange has no close frames, and a WebSocket server's timeout does not run before the upgrade.
     */
    GOING_AWAY
}
