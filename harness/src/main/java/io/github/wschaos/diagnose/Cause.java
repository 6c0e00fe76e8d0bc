package io.github.wschaos.diagnose;

/** The causes a diagnosis can name, each with a short title. */
public enum Cause {
    /** The host name does not resolve. */
    UNKNOWN_HOST("the host name does not resolve"),
    /** Connection refused: nothing listens on the port. */
    CONNECTION_REFUSED("nothing listens on that port (connection refused)"),
    /** The connection was reset (or closed) at once, before any answer. */
    CONNECTION_RESET("the connection was reset at once, before any answer"),
    /** The TCP connect timed out: packets are dropped on the way. */
    CONNECT_TIMEOUT("the TCP connect timed out: packets are dropped (a firewall)"),
    /** {@code wss://} to a port that speaks plain HTTP. */
    PLAIN_PORT_FOR_WSS("wss:// to a port that speaks plain HTTP, not TLS"),
    /** {@code ws://} to a port that speaks TLS. */
    TLS_PORT_FOR_WS("ws:// to a port that speaks TLS"),
    /**
     * A TLS server's refusal of plain HTTP ("The plain HTTP request was sent to HTTPS port") that the URL's own port
     * did not send: a proxy in front forwards plain HTTP to its upstream's TLS port.
     */
    PROXY_PLAIN_TO_TLS_UPSTREAM("a proxy in front sends plain HTTP to an upstream port that speaks TLS (http:// for https://)"),
    /** The certificate is not trusted (self-signed, unknown authority, incomplete chain). */
    CERTIFICATE_UNTRUSTED("the certificate is not trusted (self-signed, unknown authority or incomplete chain)"),
    /** The certificate has expired (or is not valid yet). */
    CERTIFICATE_EXPIRED("the certificate has expired"),
    /** The certificate is for another host name. */
    CERTIFICATE_WRONG_HOST("the certificate is for another host name"),
    /** Client and server share no TLS protocol version. */
    NO_COMMON_TLS_PROTOCOL("client and server share no TLS protocol version"),
    /**
     * The server answered the ClientHello with a {@code handshake_failure} alert: the versions overlap, but client and
     * server share no cipher suite (or signature algorithm, or key-exchange group).
     */
    NO_COMMON_CIPHER_SUITE("client and server share no TLS cipher suite (a handshake_failure alert)"),
    /** Another TLS handshake failure. */
    TLS_FAILED("the TLS handshake failed"),
    /** Nothing answered the upgrade request, then the connection was closed (FIN, no answer). */
    CLOSED_AFTER_SILENCE("the connection goes silent, then is closed without an answer (a hung peer)"),
    /** Nothing answered the upgrade request, then the connection was reset. */
    RESET_AFTER_SILENCE("the connection goes silent, then is reset"),
    /** The connection was closed in the middle of an answer or a frame, after a number of bytes. */
    CUT_AFTER_BYTES("the connection is closed after a number of bytes, in the middle of a message"),
    /** Nothing answered the upgrade request (or the TLS handshake) within the timeout. */
    NO_ANSWER("no answer within the timeout: a blackhole (firewall) or a stalled handshake"),
    /**
     * The upgrade request got no answer (or its connection was reset), but one plain HTTP GET to the same URL was
     * answered: something between filters WebSockets.
     */
    WEBSOCKETS_FILTERED("the WebSocket upgrade is dropped (or reset) while plain HTTP gets through: a firewall, corporate"
            + " proxy or load balancer filtering WebSockets"),
    /** The upgrade was answered, but slowly. */
    SLOW_HANDSHAKE("the handshake is slow"),
    /** A proxy in front did not pass the {@code Upgrade} header on: the upstream answered a plain GET. */
    PROXY_WITHOUT_UPGRADE("a proxy in front does not pass the Upgrade header on (no WebSocket configuration)"),
    /** A redirect ({@code 301}, {@code 302}, {@code 303}, {@code 307}, {@code 308}) instead of {@code 101}. */
    REDIRECT("the upgrade is answered with a redirect: most WebSocket clients do not follow it"),
    /** {@code 404} on the path: the server does not handle the upgrade there. */
    WRONG_PATH("404 on this path: the server does not handle WebSocket upgrades here"),
    /** {@code 502}, {@code 503}, {@code 504} or {@code 52x}: the proxy cannot reach its upstream. */
    UPSTREAM_UNAVAILABLE("the proxy in front cannot reach its upstream"),
    /**
     * The proxy in front answered {@code 502} at once, saying its upstream closed or reset the connection without
     * answering (Apache's "Error reading from remote server"): the upstream accepted the connection, so it is reachable.
     */
    UPSTREAM_CLOSED_WITHOUT_ANSWER("the proxy's upstream accepted the request, then closed or reset it without an answer"),
    /**
     * The proxy in front could not complete its own TLS handshake with a {@code https://} or {@code wss://} upstream
     * (Apache's {@code 500} "Error during SSL Handshake with remote server").
     */
    UPSTREAM_TLS_FAILED("the proxy in front fails its TLS handshake with its upstream"),
    /**
     * The proxy in front answered {@code 502} or {@code 504} after its own upstream timeout: the upstream accepted
     * the upgrade request but did not answer it in time.
     */
    UPSTREAM_TIMEOUT("the proxy in front gave up waiting for its upstream (its upstream timeout)"),
    /** The upgrade was refused with a status while a plain GET of the same URL was answered otherwise. */
    UPGRADES_REFUSED("WebSocket upgrades are refused while plain HTTP gets through: a proxy, WAF or load balancer rule"),
    /**
     * The WebSocket server itself refused the upgrade with a status: a plain GET of the same URL got its own answer to
     * a request without {@code Upgrade} (Node ws's {@code 426}), so nothing in front refused it.
     */
    SERVER_REFUSED_UPGRADE("the WebSocket server itself refuses the upgrade: it wants something the handshake did not carry"),
    /** A {@code 403} that depends on the {@code Origin} header. */
    ORIGIN_NOT_ALLOWED("the Origin is not allowed"),
    /** A {@code 403} whatever the {@code Origin}. */
    FORBIDDEN("403 Forbidden whatever the Origin"),
    /** A TLS server that speaks only HTTP/2 (ALPN {@code h2}) refused the HTTP/1.1 upgrade request. */
    HTTP2_ONLY("the server speaks only HTTP/2 (ALPN h2): WebSocket over HTTP/1.1 cannot work there"),
    /** {@code 401}: credentials missing. */
    UNAUTHORIZED("401: the endpoint wants credentials"),
    /** {@code 429}: rate limited. */
    RATE_LIMITED("429: rate limited"),
    /** Another status instead of {@code 101}. */
    UNEXPECTED_STATUS("an unexpected status instead of 101"),
    /**
     * A {@code 101} that fails RFC 6455's client checks (section 4.1: {@code Upgrade}, {@code Connection},
     * {@code Sec-WebSocket-Accept}, a subprotocol or extension not offered), or an answer that is not HTTP.
     */
    NOT_A_WEBSOCKET_ANSWER("the answer is not a valid WebSocket handshake"),
    /**
     * A {@code 101} that passes RFC 6455's checks but that some clients fail: no subprotocol selected of those offered,
     * or an {@code HTTP/1.0} status line.
     */
    SOME_CLIENTS_REJECT_101("some WebSocket clients reject the 101"),
    /** A close frame right after the upgrade. */
    CLOSED_AFTER_UPGRADE("the server closes the connection right after the upgrade"),
    /** TCP closed without a close frame right after the upgrade. */
    DROPPED_AFTER_UPGRADE("the connection is dropped right after the upgrade, without a close frame"),
    /** TCP reset right after the upgrade. */
    RESET_AFTER_UPGRADE("the connection is reset right after the upgrade"),
    /** A ping got no pong, while other frames still flow. */
    PING_UNANSWERED("pings are not answered, while other frames flow: control frames are dropped"),
    /** Neither pings nor any other frame get an answer while TCP stays open. */
    HALF_OPEN("a half-open connection: nothing sent gets an answer, though TCP is open"),
    /** Every round trip on the upgraded connection is slow. */
    LATENCY("every round trip is slow: latency on the way"),
    /** A large message comes back slowly. */
    BANDWIDTH_LIMITED("a thin link: large messages arrive slowly"),
    /** The test message of {@code --echo} did not come back. */
    NO_ECHO("the test message (--echo) did not come back"),
    /** An idle connection is cut without a close frame. */
    IDLE_TIMEOUT("idle connections are cut without a close frame (an idle timeout)"),
    /** An idle connection is closed with a close frame. */
    IDLE_CLOSE("idle connections are closed by the server with a close frame");

    private final String title;

    Cause(String title) {
        this.title = title;
    }

    /** One line naming the cause. */
    public String title() {
        return title;
    }
}
