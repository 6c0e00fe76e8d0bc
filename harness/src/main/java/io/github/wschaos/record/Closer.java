package io.github.wschaos.record;

/** Who ended a connection: sent the first close frame or, with no close frame at all, closed TCP first. */
public enum Closer {
    /** The client (the app under test or its peer, whichever connected to the proxy). */
    CLIENT,
    /** The upstream server behind the proxy. */
    UPSTREAM,
    /** The proxy itself, because a fault told it to or because it was closed. */
    PROXY
}
