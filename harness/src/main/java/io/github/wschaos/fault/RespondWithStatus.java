package io.github.wschaos.fault;

import java.util.Map;
import java.util.Objects;

/**
 * The handshake is answered by the proxy with {@code status}, {@code headers} and {@code body} instead of
 * reaching the upstream: Cloudflare's 52x, a 502 from a proxy whose upstream is down, a 404 for a wrong path,
 * a 429, a 503 with {@code Retry-After}. Clients report the status. {@code Content-Length} is set from the body.
 *
 * @param status the status, 100-599 (101 is refused: use no fault to upgrade)
 * @param headers extra response headers, e.g. {@code Retry-After: 5}
 * @param body the response body, may be empty
 */
public record RespondWithStatus(int status, Map<String, String> headers, String body) implements Fault {

    public RespondWithStatus {
        Checks.status(status);
        if (status == 101) {
            throw new IllegalArgumentException("HTTP status 101 would upgrade without an upstream; accepted are 100 and 102-599");
        }
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
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
