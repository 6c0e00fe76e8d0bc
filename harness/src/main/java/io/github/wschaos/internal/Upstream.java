package io.github.wschaos.internal;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
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

    private static final String ACCEPTED = "accepted are ws://host[:port][/path] and wss://host[:port][/path], "
            + "e.g. ws://127.0.0.1:8080/chat";

    /**
     * Checks {@code uri} and derives the rest.
     *
     * @throws IllegalArgumentException naming the URI and what is accepted
     */
    public static Upstream of(URI uri) {
        if (uri == null) {
            throw new IllegalArgumentException("upstream URI is null; " + ACCEPTED);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls;
        switch (scheme) {
            case "ws" -> tls = false;
            case "wss" -> tls = true;
            default -> throw new IllegalArgumentException("upstream URI '" + uri + "' has "
                    + (scheme.isEmpty() ? "no scheme" : "scheme '" + scheme + "'") + "; " + ACCEPTED);
        }
        String host = uri.getHost();
        if ((host == null || host.isEmpty()) && uri.getRawAuthority() != null) {
            throw new IllegalArgumentException("upstream URI '" + uri + "' has '" + uri.getRawAuthority()
                    + "' where host[:port] belongs (a port is 1 to 65535); " + ACCEPTED);
        }
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("upstream URI '" + uri + "' has no host; " + ACCEPTED);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() == -1 ? (tls ? 443 : 80) : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("upstream URI '" + uri + "' has port " + port + ", outside 1 to 65535; "
                    + ACCEPTED);
        }
        return new Upstream(uri, host, port, tls);
    }

    /**
     * The address to connect to: resolved once here when the host is an IP literal (no lookup per connection, as
     * nginx resolves {@code proxy_pass} once); unresolved for a host name, which is then looked up on every connect,
     * so that a name that moves (a container restarted elsewhere) is followed.
     */
    public InetSocketAddress connectAddress() {
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
        if (literal == null) {
            return InetSocketAddress.createUnresolved(host, port);
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(literal), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("IP literal " + host + " was not accepted", e);
        }
    }

    /** {@code host:port}, with brackets around an IPv6 address. */
    public String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return display(uri);
    }

    /** {@code uri} for logs and messages: a password in it is shown as {@code ***}. */
    public static String display(URI uri) {
        String userInfo = uri.getRawUserInfo();
        int colon = userInfo == null ? -1 : userInfo.indexOf(':');
        if (colon < 0) {
            return uri.toString();
        }
        return uri.toString().replace(userInfo + "@", userInfo.substring(0, colon) + ":***@");
    }
}
