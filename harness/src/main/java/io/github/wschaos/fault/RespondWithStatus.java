package io.github.wschaos.fault;

import java.util.Map;
import java.util.Objects;

/**
 * The handshake is answered by the proxy with {@code status}, {@code headers} and {@code body} instead of
 * reaching the upstream: Cloudflare's 52x, a 502 from a proxy whose upstream is down, a 404 for a wrong path,
 * a 429, a 503 with {@code Retry-After}. Clients report the status. {@code Content-Length} is set from the body.
 *
 * @param status the status, 200-599 (no body with 204 and 304)
 * @param headers extra response headers, e.g. {@code Retry-After: 5}
 * @param body the response body, may be empty
 */
public record RespondWithStatus(int status, Map<String, String> headers, String body) implements Fault {

    public RespondWithStatus {
        if (status == 101) {
            throw new IllegalArgumentException("HTTP status 101 would upgrade without an upstream; accepted are 200-599");
        }
        if (status >= 100 && status < 200) {
            throw new IllegalArgumentException("HTTP status " + status + " is an interim answer that a final one must"
                    + " follow; accepted are 200-599");
        }
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status " + status + " is outside 200-599");
        }
        Objects.requireNonNull(headers, "headers");
        headers.forEach(RespondWithStatus::checkHeader);
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
        if ((status == 204 || status == 304) && !body.isEmpty()) {
            throw new IllegalArgumentException("HTTP status " + status + " has no body; leave the body empty");
        }
    }

    /** A header as HTTP/1.1 allows it (a token for a name, no line breaks in a value) and not one the proxy sets. */
    private static void checkHeader(String name, String value) {
        if (name == null || name.isEmpty() || !name.chars().allMatch(RespondWithStatus::isTokenChar)) {
            throw new IllegalArgumentException("header name '" + name + "' is not an HTTP token; accepted are letters,"
                    + " digits and !#$%&'*+-.^_`|~, e.g. Retry-After");
        }
        if (value == null || value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            throw new IllegalArgumentException("header " + name + ": value '" + (value == null ? null
                    : value.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0"))
                    + "' is not allowed; a value is one line, without CR, LF or NUL");
        }
        if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")) {
            throw new IllegalArgumentException("header " + name + " is set from the body; leave it out");
        }
    }

    private static boolean isTokenChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    @Override
    public String name() {
        return "respond-with-status";
    }

    @Override
    public Stage stage() {
        return Stage.HANDSHAKE;
    }
}
