package io.github.wschaos.testing;

import java.net.URI;
import java.util.List;

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
