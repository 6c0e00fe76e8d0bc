package io.github.wschaos.testing;

/**
 * How a client library reported the end of its connection: a close with a code and reason, or a failure.
 *
 * @param code the close code the client reported, 1006 for an abnormal closure, 0 after a failure
 * @param reason the close reason the client reported
 * @param failure the error the client reported instead of a close, or null
 */
public record ClientEnding(int code, String reason, Throwable failure) {

    /** The client reported a close with {@code code} and {@code reason}. */
    public static ClientEnding closed(int code, String reason) {
        return new ClientEnding(code, reason == null ? "" : reason, null);
    }

    /** The client reported an error instead of a close. */
    public static ClientEnding failed(Throwable failure) {
        return new ClientEnding(0, "", failure);
    }

    /** Whether the connection ended without a close handshake: a failure, or code 1006. */
    public boolean abnormal() {
        return failure != null || code == 1006;
    }

    @Override
    public String toString() {
        return failure != null ? "failed: " + failure : "closed " + code + (reason.isEmpty() ? "" : " '" + reason + "'");
    }
}
