package io.github.wschaos.api;

/**
 * An error answered as Toxiproxy answers it: {@code {"error":"<message>","status":<status>}}. Messages start with
 * Toxiproxy's own ({@code bad request body}, {@code proxy not found}, ...) and, where Toxiproxy joins a detail with
 * {@code ": "}, go on with the value at fault.
 */
final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final int status;

    ApiError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** Toxiproxy's {@code ErrBadRequestBody} (400) joined with a detail. */
    static ApiError badBody(String detail) {
        return new ApiError(400, "bad request body: " + detail);
    }

    /** Toxiproxy's {@code ErrProxyNotFound}. */
    static ApiError proxyNotFound(String name) {
        return new ApiError(404, "proxy not found: " + name);
    }

    /** Toxiproxy's {@code ErrToxicNotFound}. */
    static ApiError toxicNotFound(String name) {
        return new ApiError(404, "toxic not found: " + name);
    }
}
