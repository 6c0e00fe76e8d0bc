package io.github.wschaos.assertj;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * A reconnecting client built on the JDK's {@link HttpClient} WebSocket, the way an application writes one: connect
 * with a handshake timeout, send a message on open, wait for the close, sleep the policy's delay, try again. The
 * delay before retry {@code n} (0-based) comes from the policy; the count starts over after an upgraded connection.
 */
final class JdkReconnectingClient implements AutoCloseable {

    private final URI uri;
    private final IntFunction<Duration> policy;
    private final int maxAttempts;
    private final Duration handshakeTimeout;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Thread thread;
    private volatile boolean stopped;

    private JdkReconnectingClient(URI uri, IntFunction<Duration> policy, int maxAttempts, Duration handshakeTimeout) {
        this.uri = uri;
        this.policy = policy;
        this.maxAttempts = maxAttempts;
        this.handshakeTimeout = handshakeTimeout;
        this.thread = new Thread(this::run, "jdk-reconnecting-client");
        thread.setDaemon(true);
    }

    /** Starts connecting at once; {@code maxAttempts} 0 means it never gives up. */
    static JdkReconnectingClient start(URI uri, IntFunction<Duration> policy, int maxAttempts, Duration handshakeTimeout) {
        JdkReconnectingClient client = new JdkReconnectingClient(uri, policy, maxAttempts, handshakeTimeout);
        client.thread.start();
        return client;
    }

    /** A policy that waits the given delays in turn, then the last one again. */
    static IntFunction<Duration> delays(long... millis) {
        return n -> Duration.ofMillis(millis[Math.min(n, millis.length - 1)]);
    }

    private void run() {
        int attempts = 0;
        int retry = 0;
        while (!stopped) {
            attempts++;
            CompletableFuture<Void> closed = new CompletableFuture<>();
            try {
                WebSocket socket = http.newWebSocketBuilder().connectTimeout(handshakeTimeout)
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
                        }).get(handshakeTimeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
                retry = 0;
                socket.sendText("hello", true);
                closed.get();
                socket.abort();
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // a failed attempt: retry after the policy's delay
            }
            if (stopped || (maxAttempts > 0 && attempts >= maxAttempts)) {
                return;
            }
            try {
                Thread.sleep(policy.apply(retry++).toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
    }
}
