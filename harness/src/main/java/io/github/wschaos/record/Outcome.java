package io.github.wschaos.record;

/**
 * How a connection attempt ended up, as the client experienced it.
 *
 * <p>An attempt starts {@link #PENDING} and gets its outcome once the proxy knows it: when the upstream
 * answers the handshake, when TLS fails, when the client gives up, and so on. The outcome never changes
 * afterwards; how an upgraded connection later closed is in {@link CloseInfo}.
 */
public enum Outcome {
    /** Nothing decided yet: the request, the upstream's answer or the TLS handshake is still under way. */
    PENDING,
    /** The upstream answered {@code 101 Switching Protocols} and the client got it: frames flow. */
    UPGRADED,
    /**
     * The WebSocket handshake was answered with another status (see {@link ConnectionRecord#status()}):
     * by the upstream, relayed, or by the proxy itself (a {@code 502} when the upstream is unreachable,
     * a {@code 400} for malformed requests, or a fault).
     */
    REJECTED,
    /** The TLS handshake between the client and the proxy failed. */
    TLS_FAILED,
    /** The connection was refused or reset before any HTTP exchange. */
    REFUSED,
    /**
     * A wait ran out: the client gave up on an answer that never came (a blackhole, a delayed handshake), or the
     * proxy gave up on a request head that never came complete ({@code requestTimeout}, nginx's
     * {@code client_header_timeout}).
     */
    TIMED_OUT,
    /** The client closed the connection before its request was answered. */
    ABORTED_BY_CLIENT,
    /** A plain HTTP request (no {@code Upgrade: websocket}) was answered: long-polling, health checks, pages. */
    NOT_WEBSOCKET
}
