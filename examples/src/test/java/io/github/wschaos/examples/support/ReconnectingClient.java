package io.github.wschaos.examples.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client written the way an app writes one on the JDK's {@code java.net.http.WebSocket}: it says
 * {@code hello} on every open, and, when {@linkplain Settings#reconnect() reconnecting}, retries after an exponential
 * backoff that is capped and reset by a successful open. With a {@linkplain Settings#heartbeat() heartbeat} it
 * pings at that interval while open.
 *
 * <p>The close codes it saw ({@link #closeCodes()}) are what its developer would find in the logs.
 */
public final class ReconnectingClient implements AutoCloseable {

    /**
     * What the client does.
     *
     * @param reconnect whether it reconnects after a close or a failed attempt
     * @param initialDelay the first backoff delay
     * @param factor how much each further delay grows
     * @param maxDelay the cap of the delays
     * @param heartbeat the ping interval while open, or null for no heartbeat
     */
    public record Settings(boolean reconnect, Duration initialDelay, double factor, Duration maxDelay, Duration heartbeat) {

        /** Does not reconnect and sends no pings: the first version of most clients. */
        public static Settings naive() {
            return new Settings(false, Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), null);
        }

        /** Reconnects from {@code initial}, doubling, capped at {@code max}. */
        public static Settings reconnecting(Duration initial, Duration max) {
            return new Settings(true, initial, 2.0, max, null);
        }

        /** These settings with a ping every {@code interval} while open. */
        public Settings withHeartbeat(Duration interval) {
            return new Settings(reconnect, initialDelay, factor, maxDelay, interval);
        }
    }

    private final URI uri;
    private final Settings settings;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "reconnecting-client");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Integer> closeCodes = new CopyOnWriteArrayList<>();
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private volatile WebSocket socket;
    private volatile ScheduledFuture<?> heartbeat;
    private volatile boolean stopped;
    private int failures;

    private ReconnectingClient(URI uri, Settings settings) {
        this.uri = uri;
        this.settings = settings;
    }

    /** Starts connecting to {@code uri} at once. */
    public static ReconnectingClient start(URI uri, Settings settings) {
        ReconnectingClient client = new ReconnectingClient(uri, settings);
        client.timer.execute(client::connect);
        return client;
    }

    /** The close code of every connection that ended: the frame's code, or 1006 when it dropped without one. */
    public List<Integer> closeCodes() {
        return List.copyOf(closeCodes);
    }

    /** The text messages received, over all connections. */
    public List<String> messages() {
        return List.copyOf(messages);
    }

    /** Whether a connection is open now. */
    public boolean isOpen() {
        WebSocket current = socket;
        return current != null && !current.isInputClosed() && !current.isOutputClosed();
    }

    @Override
    public void close() {
        stopped = true;
        timer.shutdownNow();
        WebSocket current = socket;
        if (current != null) {
            current.abort();
        }
    }

    private void connect() {
        if (stopped) {
            return;
        }
        http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(uri, new Listener())
                .whenComplete((opened, error) -> {
                    if (error != null) {
                        onTimer(this::retry);
                    }
                });
    }

    private void opened(WebSocket webSocket) {
        socket = webSocket;
        failures = 0;
        webSocket.sendText("hello", true);
        if (settings.heartbeat() != null) {
            long every = settings.heartbeat().toNanos();
            heartbeat = timer.scheduleAtFixedRate(() -> webSocket.sendPing(ByteBuffer.allocate(0)), every, every,
                    TimeUnit.NANOSECONDS);
        }
    }

    private void closed(int code) {
        closeCodes.add(code);
        ScheduledFuture<?> beating = heartbeat;
        if (beating != null) {
            beating.cancel(false);
        }
        retry();
    }

    private void retry() {
        if (stopped || !settings.reconnect()) {
            return;
        }
        double delay = settings.initialDelay().toNanos() * Math.pow(settings.factor(), failures++);
        long capped = (long) Math.min(delay, settings.maxDelay().toNanos());
        timer.schedule(this::connect, capped, TimeUnit.NANOSECONDS);
    }

    /** Runs {@code step} on the client's one thread, unless the client was closed meanwhile. */
    private void onTimer(Runnable step) {
        try {
            timer.execute(step);
        } catch (RejectedExecutionException closed) {
            // closed by the test: nothing more to do
        }
    }

    private final class Listener implements WebSocket.Listener {

        @Override
        public void onOpen(WebSocket webSocket) {
            onTimer(() -> opened(webSocket));
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            messages.add(data.toString());
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            onTimer(() -> closed(statusCode));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            onTimer(() -> closed(JdkClient.ABNORMAL));
        }
    }
}
