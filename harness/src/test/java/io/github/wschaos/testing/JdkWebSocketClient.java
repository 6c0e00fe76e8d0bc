package io.github.wschaos.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The JDK's own WebSocket client ({@code java.net.http}), wrapped to expose what a user observes: messages
 * received, pongs, the close code the client reports (1006 when the connection dropped without a close frame),
 * and the exception a failed handshake reports.
 */
public final class JdkWebSocketClient implements AutoCloseable, WebSocket.Listener {

    /** The code the JDK reports when the input ends with no close frame. */
    public static final int ABNORMAL = 1006;

    /** The longest a send may wait for the JDK to write it: far beyond any fault's pacing in these tests. */
    public static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final List<String> pongs = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final CompletableFuture<String> closeReason = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;
    private volatile long lastMessageNanos;

    private JdkWebSocketClient() {
    }

    /** Connects, waiting at most 5 s for the handshake. */
    public static JdkWebSocketClient connect(URI uri) throws Exception {
        return connect(uri, null, Duration.ofSeconds(5), null);
    }

    /**
     * Connects with an optional TLS context, handshake timeout and {@code Origin}.
     *
     * @throws ExecutionException with the client's own exception as the cause when the handshake fails
     */
    public static JdkWebSocketClient connect(URI uri, SSLContext tls, Duration timeout, String origin) throws Exception {
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(timeout);
        if (tls != null) {
            http.sslContext(tls);
        }
        WebSocket.Builder builder = http.build().newWebSocketBuilder().connectTimeout(timeout);
        if (origin != null) {
            builder.header("Origin", origin);
        }
        JdkWebSocketClient client = new JdkWebSocketClient();
        client.socket = builder.buildAsync(uri, client).get(timeout.toMillis() + 2000, TimeUnit.MILLISECONDS);
        return client;
    }

    /** The exception a handshake fails with, as the JDK reports it; fails the test if the handshake succeeds. */
    public static Throwable handshakeFailure(URI uri, SSLContext tls, Duration timeout, String origin) {
        try {
            connect(uri, tls, timeout, origin).close();
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("Expected the handshake to " + uri + " to fail, but it succeeded");
    }

    public List<String> messages() {
        return messages;
    }

    /** When the last complete text message arrived, from {@link System#nanoTime()}. */
    public long lastMessageNanos() {
        return lastMessageNanos;
    }

    public List<String> pongs() {
        return pongs;
    }

    /** Sends and waits until the JDK has written it, at most {@link #SEND_TIMEOUT} (a stalled write fails the test). */
    public void send(String text) {
        socket.sendText(text, true).orTimeout(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /** Sends without waiting, for connections that may be dropped at any moment. */
    public void sendQuietly(String text) {
        socket.sendText(text, true);
    }

    public void ping(String payload) {
        socket.sendPing(ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8)))
                .orTimeout(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    public void sendClose(int code, String reason) {
        socket.sendClose(code, reason).orTimeout(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /** The close code the client reported, once it did: the frame's code, or 1006 for a dropped connection. */
    public CompletableFuture<Integer> closeCode() {
        return closeCode;
    }

    public CompletableFuture<String> closeReason() {
        return closeReason;
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.abort();
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            lastMessageNanos = System.nanoTime();
            messages.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        pongs.add(StandardCharsets.UTF_8.decode(message).toString());
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode.complete(statusCode);
        closeReason.complete(reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.complete(ABNORMAL);
        closeReason.complete(String.valueOf(error));
    }
}
