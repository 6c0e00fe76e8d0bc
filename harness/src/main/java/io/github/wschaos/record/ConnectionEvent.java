package io.github.wschaos.record;

import java.util.Objects;

/**
 * A step in the life of a connection, delivered live to a {@link RecordingListener}.
 *
 * @param type which step
 * @param record the connection's snapshot right after the step
 */
public record ConnectionEvent(Type type, ConnectionRecord record) {

    public ConnectionEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(record, "record");
    }

    /** The steps, in the order a connection can go through them; every connection ends with {@link #CLOSED}. */
    public enum Type {
        /** TCP accepted. */
        ACCEPTED,
        /**
         * Request head received from the client: the connection's first, and again for a WebSocket upgrade that comes
         * later on the same keep-alive connection.
         */
        REQUEST,
        /** Response head sent to the client (the outcome is known from here on). */
        RESPONSE,
        /** {@code 101} relayed: frames flow. */
        UPGRADED,
        /** Both sides closed. */
        CLOSED
    }

    @Override
    public String toString() {
        return type + " " + record;
    }
}
