package io.github.wschaos.fault;

/** Which traffic resets an idle timeout: what the middlebox counts as activity. */
public enum IdleTimer {
    /** Data in either direction, control frames included: Heroku's router, an AWS ALB. */
    ANY_DATA,
    /** Only data read from the upstream: nginx's {@code proxy_read_timeout}. */
    UPSTREAM_DATA,
    /** Only data sent by the client. */
    CLIENT_DATA
}
