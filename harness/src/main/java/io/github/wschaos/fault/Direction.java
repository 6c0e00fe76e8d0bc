package io.github.wschaos.fault;

/** A direction of traffic through the proxy. */
public enum Direction {
    /** From the client to the upstream server. */
    UPSTREAM,
    /** From the upstream server to the client. */
    DOWNSTREAM,
    /** Both directions. */
    BOTH;

    /** Whether traffic from the client falls under this direction. */
    public boolean includesClientTraffic() {
        return this != DOWNSTREAM;
    }

    /** Whether traffic from the upstream falls under this direction. */
    public boolean includesUpstreamTraffic() {
        return this != UPSTREAM;
    }
}
