package io.github.wschaos.examples;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A reference reconnecting client on the JDK's {@link java.net.http.WebSocket}, with the capped exponential
 * backoff most WebSocket clients implement: after the {@code n}-th failure in a row it waits
 * {@code min(initialDelay * 2^n, maxDelay)} before the next attempt. A close with {@code 1000} (from either side)
 * ends it for good; any other close, an abrupt disconnect or a failed handshake is followed by another attempt.
 *
 * <pre>{@code
 * try (ReconnectingWebSocket socket = ReconnectingWebSocket.builder(uri)
 *         .initialDelay(Duration.ofMillis(500)).maxDelay(Duration.ofSeconds(30))
 *         .stableAfter(Duration.ofSeconds(5))
 *         .onMessage(System.out::println)
 *         .start()) {
 *     socket.send("hello");
 * }
 * }</pre>
 *
 * <h2>When the backoff starts over</h2>
 * The schedule goes back to {@code initialDelay} only after a connection that stayed open for
 * {@link Builder#stableAfter(Duration) stableAfter}: a connection that opens and dies at once is a failure like
 * any other (JavaScript's {@code reconnecting-websocket} calls this {@code minUptime}).
 *
 * <p>{@link Builder#resetBackoffOnEveryOpen()} builds the <em>classic bug</em> instead, kept here so that a test
 * can show the wschaos assertions catching it: the backoff is reset as soon as a connection opens. It looks
 * harmless, since a successful open seems to prove the server is back. But when the handshake succeeds and the
 * connection dies right after it (a server that accepts and then crashes on the first message, a load balancer
 * that upgrades and then resets, a proxy that closes with {@code 1011}), every attempt "succeeds", the backoff
 * never grows, and the client reconnects every {@code initialDelay} forever: a reconnect storm, multiplied by
 * every client in the fleet, against a server that is already in trouble.
 */
public final class ReconnectingWebSocket implements AutoCloseable {

    /** The close code that ends the session for good: {@code 1000 Normal Closure}. */
    public static final int NORMAL_CLOSURE = 1000;

    /** The code {@link #stopped()} completes with when the last connection ended without a close frame. */
    public static final int ABNORMAL_CLOSURE = 1006;

    private final URI uri;
    private final Duration initialDelay;
    private final Duration maxDelay;
    private final Duration stableAfter;
    private final boolean resetOnEveryOpen;
    private final Consumer<String> onMessage;
    private final ExecutorService io = Executors.newCachedThreadPool(daemon("ws-io"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("ws-backoff"));
    private final HttpClient http;
    private final AtomicInteger attempts = new AtomicInteger();
    private final CompletableFuture<Integer> stopped = new CompletableFuture<>();

    // guarded by this
    private int failures;
    private WebSocket current;
    private boolean closing;

    private ReconnectingWebSocket(Builder builder) {
        this.uri = builder.uri;
        this.initialDelay = builder.initialDelay;
        this.maxDelay = builder.maxDelay;
        this.stableAfter = builder.stableAfter;
        this.resetOnEveryOpen = builder.resetOnEveryOpen;
        this.onMessage = builder.onMessage;
        this.http = HttpClient.newBuilder().executor(io).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** A builder for a client of {@code uri} ({@code ws://} or {@code wss://}). */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /** The delay after {@code failures} failures in a row: {@code min(initialDelay * 2^failures, maxDelay)}. */
    public Duration delayAfter(int failures) {
        if (failures >= 62 || initialDelay.toNanos() > (maxDelay.toNanos() >> failures)) {
            return maxDelay;
        }
        return initialDelay.multipliedBy(1L << failures);
    }

    /** Sends {@code text} on the current connection; fails if there is none. */
    public CompletableFuture<WebSocket> send(String text) {
        WebSocket socket;
        synchronized (this) {
            socket = current;
        }
        if (socket == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("not connected to " + uri));
        }
        return socket.sendText(text, true);
    }

    /** Whether a connection is open now. */
    public synchronized boolean isOpen() {
        return current != null;
    }

    /** How many connection attempts were made so far. */
    public int attempts() {
        return attempts.get();
    }

    /** Completes with the close code once the client stopped for good (after a {@code 1000} close or {@link #close()}). */
    public CompletableFuture<Integer> stopped() {
        return stopped;
    }

    /** Closes the current connection with {@code 1000} and stops reconnecting. */
    @Override
    public void close() {
        WebSocket socket;
        synchronized (this) {
            closing = true;
            socket = current;
        }
        if (socket != null) {
            try {
                socket.sendClose(NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
                stopped.get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                socket.abort();
            }
        }
        stopped.complete(NORMAL_CLOSURE);
        timer.shutdownNow();
        io.shutdownNow();
    }

    private void connect() {
        synchronized (this) {
            if (closing) {
                return;
            }
        }
        attempts.incrementAndGet();
        Connection connection = new Connection();
        http.newWebSocketBuilder().buildAsync(uri, connection).whenComplete((socket, failure) -> {
            if (failure != null) {
                connection.ended();
            }
        });
    }

    private void reconnectLater() {
        Duration delay;
        synchronized (this) {
            if (closing) {
                stopped.complete(ABNORMAL_CLOSURE); // closed by close() while this connection was failing
                return;
            }
            delay = delayAfter(failures++);
        }
        try {
            timer.schedule(this::connect, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    private void stop(int code) {
        synchronized (this) {
            closing = true;
            current = null;
        }
        stopped.complete(code);
    }

    /** One connection attempt: its listener, and the one decision taken when it ends. */
    private final class Connection implements WebSocket.Listener {

        private final AtomicBoolean ended = new AtomicBoolean();
        private final StringBuilder text = new StringBuilder();
        private volatile long openedAt;

        @Override
        public void onOpen(WebSocket webSocket) {
            openedAt = System.nanoTime();
            synchronized (ReconnectingWebSocket.this) {
                current = webSocket;
                if (resetOnEveryOpen) {
                    failures = 0; // the classic bug: see the class comment
                }
            }
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                onMessage.accept(message);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (statusCode == NORMAL_CLOSURE) {
                if (ended.compareAndSet(false, true)) {
                    stop(statusCode);
                }
                return null; // the JDK answers the close frame once this returns
            }
            ended();
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ended();
        }

        /** The connection failed, or closed with anything but 1000: back off and try again. */
        void ended() {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            synchronized (ReconnectingWebSocket.this) {
                current = null;
                if (!resetOnEveryOpen && openedAt != 0 && System.nanoTime() - openedAt >= stableAfter.toNanos()) {
                    failures = 0;
                }
            }
            reconnectLater();
        }
    }

    /** Settings of a {@link ReconnectingWebSocket}. */
    public static final class Builder {

        private final URI uri;
        private Duration initialDelay = Duration.ofMillis(500);
        private Duration maxDelay = Duration.ofSeconds(30);
        private Duration stableAfter = Duration.ofSeconds(5);
        private boolean resetOnEveryOpen;
        private Consumer<String> onMessage = message -> { };

        private Builder(URI uri) {
            Objects.requireNonNull(uri, "uri");
            if (!"ws".equals(uri.getScheme()) && !"wss".equals(uri.getScheme())) {
                throw new IllegalArgumentException("URI " + uri + " must be ws:// or wss://");
            }
            this.uri = uri;
        }

        /** The delay after the first failure, 500 ms by default. */
        public Builder initialDelay(Duration delay) {
            this.initialDelay = positive("initial delay", delay);
            return this;
        }

        /** The longest delay, 30 s by default; not below the initial delay. */
        public Builder maxDelay(Duration delay) {
            this.maxDelay = positive("max delay", delay);
            return this;
        }

        /** How long a connection must stay open before the backoff starts over, 5 s by default. */
        public Builder stableAfter(Duration lifetime) {
            this.stableAfter = positive("stable lifetime", lifetime);
            return this;
        }

        /** The classic bug, for demonstration: reset the backoff whenever a connection opens. See the class comment. */
        public Builder resetBackoffOnEveryOpen() {
            this.resetOnEveryOpen = true;
            return this;
        }

        /** Called with every complete text message, on the client's I/O thread. */
        public Builder onMessage(Consumer<String> listener) {
            this.onMessage = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Starts the client: the first attempt is made at once. */
        public ReconnectingWebSocket start() {
            if (maxDelay.compareTo(initialDelay) < 0) {
                throw new IllegalArgumentException("max delay " + maxDelay + " is below the initial delay " + initialDelay);
            }
            ReconnectingWebSocket client = new ReconnectingWebSocket(this);
            client.timer.execute(client::connect);
            return client;
        }

        private static Duration positive(String what, Duration value) {
            Objects.requireNonNull(value, what);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(what + " " + value + " must be positive, e.g. PT0.5S");
            }
            return value;
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
