package io.github.wschaos.fault;

/**
 * A reverse proxy that does not pass the upgrade on: nginx without {@code proxy_http_version 1.1} and the
 * {@code Upgrade}/{@code Connection "upgrade"} headers, Apache without {@code proxy_wstunnel}, many corporate
 * proxies.
 *
 * <p>The upstream receives the request as nginx sends it then: {@code HTTP/1.0}, {@code Upgrade} removed
 * (and {@code Keep-Alive} and {@code TE}, which nginx never passes on), {@code Connection: close},
 * the {@code Sec-WebSocket-*} and other headers left as they were. The upstream's own answer
 * is relayed: Node's {@code ws} answers {@code 426 Upgrade Required}, Jetty and Java-WebSocket {@code 404},
 * Spring {@code 400}. Clients report that status (JDK: {@code WebSocketHandshakeException}; OkHttp:
 * "Expected HTTP 101 response but was '404 Not Found'"; browsers: "Unexpected response code: 426").
 */
public record StripUpgradeHeaders() implements Fault {

    @Override
    public String name() {
        return "strip-upgrade-headers";
    }

    @Override
    public Stage stage() {
        return Stage.HANDSHAKE;
    }
}
