package io.github.wschaos.fault;

/**
 * Which traffic resets an idle timeout: what the middlebox counts as activity. Before the upgrade the request and its
 * body are the client's data, the answer the upstream's.
 */
public enum IdleTimer {
    /**
     * Data in either direction, control frames included: Heroku's router, an AWS ALB, and nginx's
     * {@code proxy_read_timeout} on an upgraded connection (re-armed by traffic either way, measured with nginx 1.22.1).
     */
    ANY_DATA,
    /**
     * Only data read from the upstream: a middlebox that waits on the server alone (a client's slow upload does not
     * keep its request alive).
     */
    UPSTREAM_DATA,
    /** Only data sent by the client. */
    CLIENT_DATA
}
