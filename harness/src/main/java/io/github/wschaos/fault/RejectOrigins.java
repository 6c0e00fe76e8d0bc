package io.github.wschaos.fault;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

/**
 * Answers the handshake with {@code status} (403 by default) unless its {@code Origin} is one of
 * {@code allowed}, as Node's {@code ws} {@code verifyClient}, Spring's allowed origins or Socket.IO's CORS
 * do. Origins are compared as Spring compares them: case-insensitively, a trailing slash ignored. A handshake
 * without {@code Origin} (most non-browser clients) is rejected too, as by a {@code verifyClient} that requires one;
 * Spring lets such a request through (it takes it for a same-origin or non-browser request). Allowed origins go on
 * to the upstream untouched, and so do plain HTTP requests (health checks, pages, long-polling), which those checks
 * do not look at. Browsers report "Unexpected response code: 403"; Java clients the status.
 *
 * @param allowed the origins let through, e.g. {@code https://app.example}; not empty
 * @param status the status of the rejection, 400-599
 */
public record RejectOrigins(Set<String> allowed, int status) implements Fault {

    public RejectOrigins {
        if (allowed == null || allowed.isEmpty()) {
            throw new IllegalArgumentException("allowed origins " + allowed + " must name at least one origin, "
                    + "e.g. https://app.example; to reject every handshake use respondWithStatus(403)");
        }
        for (String origin : allowed) {
            checkOrigin(origin);
        }
        allowed = Set.copyOf(allowed);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("rejection status " + status + " is not an error status; accepted are "
                    + "400-599, e.g. 403 (Node's ws, Spring) or 400 (Socket.IO)");
        }
    }

    /** An origin as browsers send it: {@code scheme://host[:port]}, or {@code null} (a sandboxed or file page). */
    private static void checkOrigin(String origin) {
        if (origin == null || origin.isBlank()) {
            throw new IllegalArgumentException("allowed origin '" + origin + "' is empty; " + ORIGIN_FORM);
        }
        if (origin.trim().equals("*")) {
            throw new IllegalArgumentException("allowed origin '*' would let every origin through and the fault would"
                    + " do nothing; name the origins to let through, e.g. https://app.example");
        }
        if (origin.trim().equals("null")) {
            return;
        }
        URI uri;
        try {
            uri = new URI(origin.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("allowed origin '" + origin + "' is not an origin; " + ORIGIN_FORM, e);
        }
        String path = uri.getRawPath();
        if (uri.getScheme() == null || uri.getHost() == null || uri.getRawUserInfo() != null
                || (path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("allowed origin '" + origin + "' is not an origin; " + ORIGIN_FORM);
        }
    }

    private static final String ORIGIN_FORM = "accepted are scheme://host[:port] as browsers send it in the Origin"
            + " header, e.g. https://app.example or http://localhost:3000, or null";

    /** Whether a handshake with this {@code Origin} header (null when it has none) goes on. */
    public boolean allows(String origin) {
        if (origin == null) {
            return false;
        }
        String normalized = normalized(origin);
        for (String candidate : allowed) {
            if (normalized(candidate).equals(normalized)) {
                return true;
            }
        }
        return false;
    }

    private static String normalized(String origin) {
        String trimmed = origin.trim();
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String name() {
        return "reject-origins";
    }

    @Override
    public Stage stage() {
        return Stage.HANDSHAKE;
    }
}
