package io.github.wschaos.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The demo's app under test: a JDK WebSocket client that reconnects the way most production clients do, with a
 * capped exponential backoff ({@code min(base x 2^n, max)}, reset when a connection opens, no reconnect after a
 * normal close), sends a message when it connects, and optionally pings on a heartbeat.
 */
final class DemoClient implements AutoCloseable {

    private final URI uri;
    private final Duration base;
    private final Duration max;
    private final Duration heartbeat;
    private final Consumer<String> log;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "wschaos-demo-client");
        thread.setDaemon(true);
        return thread;
    });
    private volatile WebSocket socket;
    private volatile boolean closed;
    private ScheduledFuture<?> beat;
    private ScheduledFuture<?> reconnect;
    private int failures;

    DemoClient(URI uri, Duration base, Duration max, Duration heartbeat, Consumer<String> log) {
        this.uri = uri;
        this.base = base;
        this.max = max;
        this.heartbeat = heartbeat;
        this.log = log;
    }

    /** Connects now, reconnecting from then on. */
    DemoClient start() {
        timer.execute(this::connect);
        return this;
    }

    private void connect() {
        reconnect = null;
        if (closed) {
            return;
        }
        // No step times a handshake out: the bound is for a proxy that never answers, and is generous because a JVM's
        // first handshake (the HTTP client starting) took over 2 s on a loaded machine and aborted step 1's attempt.
        HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(8))
                .buildAsync(uri, new Listener())
                .whenComplete((webSocket, failure) -> {
                    if (failure != null) {
                        log.accept("client: handshake failed: " + rootMessage(failure));
                        timer.execute(this::reconnectLater);
                        return;
                    }
                    socket = webSocket;
                    webSocket.sendText("hello", true);
                    if (heartbeat != null) {
                        beat = timer.scheduleAtFixedRate(() -> webSocket.sendPing(ByteBuffer.allocate(0)),
                                heartbeat.toNanos(), heartbeat.toNanos(), TimeUnit.NANOSECONDS);
                    }
                });
    }

    /** Schedules one reconnect; further calls while one is pending (a close and an error) do nothing. */
    private void reconnectLater() {
        if (closed || reconnect != null) {
            return;
        }
        if (beat != null) {
            beat.cancel(false);
        }
        long delay = (long) Math.min(base.toNanos() * Math.pow(2, failures++), max.toNanos());
        reconnect = timer.schedule(this::connect, delay, TimeUnit.NANOSECONDS);
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        WebSocket current = socket;
        if (current != null) {
            current.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {
        /**
         * The backoff starts over here, not when {@code buildAsync}'s future completes: the JDK calls {@code onOpen}
         * before {@code onError} and {@code onClose}, but may complete the future after them, and a reset that came
         * first would then have its delay counted from the old failures and the next one from none.
         */
        @Override
        public void onOpen(WebSocket webSocket) {
            timer.execute(() -> failures = 0);
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            log.accept("client: closed with " + statusCode + (reason.isEmpty() ? "" : " '" + reason + "'"));
            if (statusCode != 1000) {
                timer.execute(DemoClient.this::reconnectLater);
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            log.accept("client: connection failed: " + rootMessage(error));
            timer.execute(DemoClient.this::reconnectLater);
        }
    }
}
