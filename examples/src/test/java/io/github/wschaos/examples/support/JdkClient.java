package io.github.wschaos.examples.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The JDK's own WebSocket client ({@code java.net.http}) as an app uses it, exposing what its developer sees:
 * the messages received, the close code reported (1006 when the connection dropped without a close frame), and the
 * exception a failed handshake throws.
 */
public final class JdkClient implements AutoCloseable, WebSocket.Listener {

    /** The code the JDK reports when the input ends with no close frame. */
    public static final int ABNORMAL = 1006;

    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;

    private JdkClient() {
    }

    /**
     * How to connect: everything an app may set on the JDK client.
     *
     * @param timeout the handshake timeout ({@code connectTimeout} of both the HTTP client and the WebSocket)
     * @param origin the {@code Origin} header to send, or null for none (the JDK sends none by default)
     * @param tls the TLS context for {@code wss://}, or null for the JDK's default trust store
     */
    public record Options(Duration timeout, String origin, SSLContext tls) {

        /** 5 s timeout, no {@code Origin}, default trust. */
        public static Options defaults() {
            return new Options(Duration.ofSeconds(5), null, null);
        }

        /** These options with another timeout. */
        public Options timeout(Duration newTimeout) {
            return new Options(newTimeout, origin, tls);
        }

        /** These options with an {@code Origin} header. */
        public Options origin(String newOrigin) {
            return new Options(timeout, newOrigin, tls);
        }

        /** These options with a TLS context. */
        public Options tls(SSLContext newTls) {
            return new Options(timeout, origin, newTls);
        }
    }

    /** Connects with {@link Options#defaults()}. */
    public static JdkClient connect(URI uri) throws Exception {
        return connect(uri, Options.defaults());
    }

    /**
     * Connects and waits for the handshake.
     *
     * @throws ExecutionException with the client's own exception as the cause when the handshake fails
     */
    public static JdkClient connect(URI uri, Options options) throws Exception {
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(options.timeout());
        if (options.tls() != null) {
            http.sslContext(options.tls());
        }
        WebSocket.Builder builder = http.build().newWebSocketBuilder().connectTimeout(options.timeout());
        if (options.origin() != null) {
            builder.header("Origin", options.origin());
        }
        JdkClient client = new JdkClient();
        client.socket = builder.buildAsync(uri, client)
                .get(options.timeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        return client;
    }

    /**
     * The exception the handshake fails with, as the JDK reports it to the app.
     *
     * @throws AssertionError if the handshake succeeds
     */
    public static Throwable handshakeFailure(URI uri, Options options) {
        try {
            connect(uri, options).close();
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("Expected the handshake to " + uri + " to fail, but it succeeded");
    }

    /** {@link #handshakeFailure(URI, Options)} with {@link Options#defaults()}. */
    public static Throwable handshakeFailure(URI uri) {
        return handshakeFailure(uri, Options.defaults());
    }

    /** The text messages received so far. */
    public List<String> messages() {
        return messages;
    }

    /** Sends a text message and waits until it is written, at most 30 s (a stalled write fails the test). */
    public void send(String text) {
        socket.sendText(text, true).orTimeout(30, TimeUnit.SECONDS).join();
    }

    /** Sends a normal close (1000) and waits until it is written, at most 30 s. */
    public void closeNormally() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(30, TimeUnit.SECONDS).join();
    }

    /** The close code the client reported, once it did: the frame's code, or 1006 for a dropped connection. */
    public CompletableFuture<Integer> closeCode() {
        return closeCode;
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
            messages.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.complete(ABNORMAL);
    }
}
