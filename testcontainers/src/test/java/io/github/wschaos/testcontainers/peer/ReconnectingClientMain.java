package io.github.wschaos.testcontainers.peer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The app under test in a container: a JDK {@code java.net.http} WebSocket client that connects, sends
 * {@code hello N}, and reconnects after a constant delay whenever the connection fails or closes, forever.
 *
 * <p>{@code java ... ReconnectingClientMain URL [delayMillis] [origin]} prints one line per event
 * ({@code OPEN n}, {@code ECHO text}, {@code CLOSED code}, {@code FAILED reason}).
 */
public final class ReconnectingClientMain implements AutoCloseable {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger attempts = new AtomicInteger();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final URI uri;
    private final long delayMillis;
    private final String origin;
    private volatile boolean closed;

    private ReconnectingClientMain(URI uri, long delayMillis, String origin) {
        this.uri = uri;
        this.delayMillis = delayMillis;
        this.origin = origin;
    }

    /**
     * Runs the client until the process is stopped.
     *
     * @param args {@code URL [delayMillis] [origin]}
     */
    public static void main(String[] args) throws InterruptedException {
        start(URI.create(args[0]), args.length > 1 ? Long.parseLong(args[1]) : 200, args.length > 2 ? args[2] : null);
        new CountDownLatch(1).await(); // until the container is stopped
    }

    /**
     * Starts a client in this JVM; {@link #close()} stops it.
     *
     * @param uri where to connect
     * @param delayMillis the constant delay before each reconnect
     * @param origin the {@code Origin} header, or null for none
     * @return the client
     */
    public static ReconnectingClientMain start(URI uri, long delayMillis, String origin) {
        ReconnectingClientMain client = new ReconnectingClientMain(uri, delayMillis, origin);
        client.connect();
        return client;
    }

    /** Every line printed so far. */
    public List<String> events() {
        return List.copyOf(events);
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
    }

    private void connect() {
        if (closed) {
            return;
        }
        int attempt = attempts.incrementAndGet();
        WebSocket.Builder builder = http.newWebSocketBuilder();
        if (origin != null) {
            builder.header("Origin", origin);
        }
        builder.buildAsync(uri, new Listener(attempt)).whenComplete((ws, error) -> {
            if (error != null) {
                Throwable cause = error.getCause() == null ? error : error.getCause();
                log("FAILED " + attempt + " " + (cause instanceof WebSocketHandshakeException handshake
                        ? "status " + handshake.getResponse().statusCode() : cause.toString()));
                reconnect();
            }
        });
    }

    private void reconnect() {
        try {
            if (!closed) {
                timer.schedule(this::connect, delayMillis, TimeUnit.MILLISECONDS);
            }
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    private void log(String line) {
        events.add(line);
        System.out.println(line);
        System.out.flush();
    }

    private final class Listener implements WebSocket.Listener {
        private final int attempt;
        private final StringBuilder text = new StringBuilder();

        Listener(int attempt) {
            this.attempt = attempt;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            log("OPEN " + attempt);
            webSocket.sendText("hello " + attempt, true);
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                log("ECHO " + text);
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            log("CLOSED " + attempt + " " + statusCode);
            reconnect();
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            log("CLOSED " + attempt + " 1006 " + error);
            reconnect();
        }
    }
}
