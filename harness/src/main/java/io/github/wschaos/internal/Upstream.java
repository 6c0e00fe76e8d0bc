package io.github.wschaos.internal;

import java.net.URI;
import java.util.Locale;

/**
 * Where the proxy forwards to, checked once: a {@code ws://} or {@code wss://} URI with a host.
 *
 * @param uri the URI as given
 * @param host the host to connect to
 * @param port the port, defaulted from the scheme (80 or 443)
 * @param tls whether the proxy speaks TLS to the upstream
 */
public record Upstream(URI uri, String host, int port, boolean tls) {

    /**
     * Checks {@code uri} and derives the rest.
     *
     * @throws IllegalArgumentException naming the URI and what is accepted
     */
    public static Upstream of(URI uri) {
        if (uri == null) {
            throw new IllegalArgumentException("upstream URI is null; expected ws://host[:port][/path] or wss://host[:port][/path]");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls;
        switch (scheme) {
            case "ws" -> tls = false;
            case "wss" -> tls = true;
            default -> throw new IllegalArgumentException("upstream URI '" + uri + "' has scheme '" + scheme
                    + "'; accepted are ws:// and wss://, e.g. ws://127.0.0.1:8080/chat");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("upstream URI '" + uri
                    + "' has no host; expected ws://host[:port][/path], e.g. ws://127.0.0.1:8080/chat");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() == -1 ? (tls ? 443 : 80) : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("upstream URI '" + uri + "' has port " + port + "; accepted are 1 to 65535");
        }
        return new Upstream(uri, host, port, tls);
    }

    /** {@code host:port}, with brackets around an IPv6 address. */
    public String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
