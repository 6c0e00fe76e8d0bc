package io.github.wschaos.fault;

/** How a middlebox ends a connection it found idle: what the client and the server see. */
public enum IdleCut {
    /**
     * A FIN to both sides, no close frame: nginx's {@code proxy_read_timeout}, Heroku's router, an AWS ALB, haproxy's
     * {@code timeout tunnel}. The client reports {@code 1006} (the JDK: {@code onClose} 1006).
     */
    FIN,
    /**
     * A TCP reset to both sides: an Azure Load Balancer with "TCP reset on idle", haproxy with {@code option nolinger}.
     * The client reports a reset (the JDK: {@code onError} with "Connection reset").
     */
    RESET
}
