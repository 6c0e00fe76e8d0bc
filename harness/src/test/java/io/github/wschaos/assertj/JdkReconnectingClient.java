package io.github.wschaos.assertj;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

/**
 * A reconnecting client built on the JDK's {@link HttpClient} WebSocket, the way an application writes one: connect
 * with a handshake timeout, send a message on open, wait for the close, then try again after the policy's delay on a
 * timer. The delay before retry {@code n} (0-based) comes from the policy; the count starts over after an upgraded
 * connection.
 */
final class JdkReconnectingClient implements AutoCloseable {

    private final URI uri;
    private final IntFunction<Duration> policy;
    private final int maxAttempts;
    private final Duration handshakeTimeout;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "jdk-reconnecting-client");
        thread.setDaemon(true);
        return thread;
    });
    /** Attempts made and retries since the last upgrade: read and written on the timer's thread only. */
    private int attempts;
    private int retry;
    private volatile boolean stopped;

    private JdkReconnectingClient(URI uri, IntFunction<Duration> policy, int maxAttempts, Duration handshakeTimeout) {
        this.uri = uri;
        this.policy = policy;
        this.maxAttempts = maxAttempts;
        this.handshakeTimeout = handshakeTimeout;
    }

    /** Starts connecting at once; {@code maxAttempts} 0 means it never gives up. */
    static JdkReconnectingClient start(URI uri, IntFunction<Duration> policy, int maxAttempts, Duration handshakeTimeout) {
        JdkReconnectingClient client = new JdkReconnectingClient(uri, policy, maxAttempts, handshakeTimeout);
        client.timer.execute(client::attempt);
        return client;
    }

    /** A policy that waits the given delays in turn, then the last one again. */
    static IntFunction<Duration> delays(long... millis) {
        return n -> Duration.ofMillis(millis[Math.min(n, millis.length - 1)]);
    }

    private void attempt() {
        if (stopped) {
            return;
        }
        attempts++;
        CompletableFuture<Void> closed = new CompletableFuture<>();
        AtomicBoolean upgraded = new AtomicBoolean();
        http.newWebSocketBuilder().connectTimeout(handshakeTimeout)
                .buildAsync(uri, new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int code, String reason) {
                        closed.complete(null);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        closed.complete(null);
                    }
                })
                .orTimeout(handshakeTimeout.toMillis() + 5000, TimeUnit.MILLISECONDS)
                .thenCompose(socket -> {
                    upgraded.set(true);
                    socket.sendText("hello", true);
                    return closed.whenComplete((ignored, error) -> socket.abort());
                })
                // a failed attempt, or a connection that ended: retry after the policy's delay
                .whenComplete((ignored, error) -> timer.execute(() -> ended(upgraded.get())));
    }

    private void ended(boolean upgraded) {
        if (upgraded) {
            retry = 0;
        }
        if (stopped || (maxAttempts > 0 && attempts >= maxAttempts)) {
            return;
        }
        timer.schedule(this::attempt, policy.apply(retry++).toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        stopped = true;
        timer.shutdownNow();
    }
}
