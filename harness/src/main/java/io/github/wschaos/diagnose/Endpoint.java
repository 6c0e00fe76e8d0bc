package io.github.wschaos.diagnose;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The endpoint a diagnosis contacts, parsed from what the user typed: {@code ws://} or {@code wss://}, with
 * {@code http://} and {@code https://} mapped to them as browsers do; the default port (80 or 443) when none is
 * given; the path ({@code /} when empty) and query.
 *
 * @param uri the {@code ws://} or {@code wss://} URI contacted
 * @param host the host name or address
 * @param port the port, the scheme's default when the URL names none
 * @param secure whether TLS is spoken ({@code wss://})
 * @param notes what was assumed or mapped, for the report ("port 443 by default", "https:// mapped to wss://")
 */
public record Endpoint(URI uri, String host, int port, boolean secure, String notes) {

    /**
     * Parses {@code url}.
     *
     * @throws IllegalArgumentException naming the value when it is not a {@code ws}, {@code wss}, {@code http} or
     *         {@code https} URL with a host
     */
    public static Endpoint parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("no URL given; expected ws[s]://host[:port]/path");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + url + "' is not a URL (" + e.getReason()
                    + "); expected ws[s]://host[:port]/path");
        }
        String given = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (given == null) {
            throw new IllegalArgumentException("'" + url + "' has no scheme; expected ws[s]://host[:port]/path");
        }
        StringBuilder notes = new StringBuilder();
        String scheme = switch (given) {
            case "ws", "wss" -> given;
            case "http" -> "ws";
            case "https" -> "wss";
            default -> throw new IllegalArgumentException("'" + url + "' has scheme '" + uri.getScheme()
                    + "'; accepted are ws, wss, http (mapped to ws) and https (mapped to wss)");
        };
        if (!scheme.equals(given)) {
            notes.append(given).append(":// mapped to ").append(scheme).append("://; ");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("'" + url + "' has no host; expected ws[s]://host[:port]/path");
        }
        boolean secure = scheme.equals("wss");
        int port = uri.getPort();
        if (port == -1) {
            port = secure ? 443 : 80;
            notes.append("port ").append(port).append(" by default; ");
        } else if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + url + "' has port " + port + ", outside 1-65535");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawPath() == null || uri.getRawPath().isEmpty()) {
            notes.append("path / by default; ");
        }
        if (uri.getRawFragment() != null) {
            notes.append("fragment #").append(uri.getRawFragment()).append(" dropped (never sent); ");
        }
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        URI normalized = URI.create(scheme + "://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host)
                + ":" + port + path + query);
        String text = notes.toString();
        return new Endpoint(normalized, host, port, secure, text.isEmpty() ? "" : text.substring(0, text.length() - 2));
    }

    /** The request target: path and query. */
    String requestTarget() {
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    /** The {@code Host} header: the port only when it is not the scheme's default. */
    String hostHeader() {
        String name = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return port == (secure ? 443 : 80) ? name : name + ":" + port;
    }

    /** The page origin a browser would send from this host: {@code http[s]://host[:port]}. */
    public String ownOrigin() {
        return (secure ? "https" : "http") + "://" + hostHeader();
    }
}
