package io.github.wschaos.testing;

import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * A real, third-party WebSocket client library, used through a {@link ClientConnection}. Each connection
 * is opened with the library's defaults, except that no library sends pings on its own.
 */
public interface RealClient {

    /** The library's name, for test names. */
    String name();

    /**
     * Opens a connection to {@code uri} and waits for the handshake to succeed.
     *
     * @throws Exception if the library failed to connect, or did not connect within 10 s
     */
    ClientConnection connect(URI uri) throws Exception;

    /**
     * Attempts a connection whose handshake is expected to fail, and returns what the library reported: the
     * exception it failed with, or the close it reported instead (Java-WebSocket reports a failed handshake as a
     * close with code 1002).
     *
     * @throws AssertionError if the connection opened
     */
    default ClientEnding failedHandshake(URI uri) throws Exception {
        try (ClientConnection connection = connect(uri)) {
            throw new AssertionError(name() + " connected to " + uri + ", but the handshake was expected to fail");
        } catch (ExecutionException e) {
            return ClientEnding.failed(e.getCause());
        }
    }

    /**
     * Whether the library, after sending a close frame, keeps reading until the peer's close frame arrives.
     * Java-WebSocket does not always: its reader stops as soon as the connection is closing, and then it
     * closes TCP itself, so the peer's answer can arrive at a closed socket.
     */
    default boolean readsUntilCloseReply() {
        return true;
    }

    /** The JDK's {@code java.net.http.WebSocket}. */
    static RealClient jdk() {
        return new JdkRealClient();
    }

    /** OkHttp's {@code WebSocket} (offers {@code permessage-deflate}). */
    static RealClient okHttp() {
        return new OkHttpRealClient();
    }

    /** TooTallNate's Java-WebSocket {@code WebSocketClient}. */
    static RealClient javaWebSocket() {
        return new JavaWebSocketRealClient();
    }

    /** Every client library above. */
    static List<RealClient> all() {
        return List.of(jdk(), okHttp(), javaWebSocket());
    }
}
