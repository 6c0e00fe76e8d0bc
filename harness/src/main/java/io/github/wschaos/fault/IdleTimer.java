package io.github.wschaos.fault;

/** Which traffic resets an idle timeout: what the middlebox counts as activity. */
public enum IdleTimer {
    /**
     * Data in either direction, control frames included: Heroku's router, an AWS ALB, and nginx's
     * {@code proxy_read_timeout} on an upgraded connection (re-armed by traffic either way, measured with nginx 1.22.1).
     */
    ANY_DATA,
    /** Only data read from the upstream: a middlebox that waits on the server alone. */
    UPSTREAM_DATA,
    /** Only data sent by the client. */
    CLIENT_DATA
}
