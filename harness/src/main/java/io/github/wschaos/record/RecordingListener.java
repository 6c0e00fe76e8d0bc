package io.github.wschaos.record;

/**
 * Receives connection events as they happen.
 *
 * <p>Called on the proxy's I/O threads: return quickly, never block, and expect calls for different
 * connections from different threads. An exception thrown here is logged and otherwise ignored.
 */
@FunctionalInterface
public interface RecordingListener {

    /** One step of one connection. */
    void onEvent(ConnectionEvent event);
}
