package io.github.wschaos.testcontainers.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** One-shot exchanges with the JDK's WebSocket client. */
public final class Ws {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Ws() {
    }

    /** An echo round trip on an open connection: how long from sending {@code text} to receiving it back. */
    public static Duration echoRoundTrip(URI uri, String text) throws Exception {
        CompletableFuture<String> received = new CompletableFuture<>();
        WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
            private final StringBuilder buffer = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                buffer.append(data);
                if (last) {
                    received.complete(buffer.toString());
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                received.completeExceptionally(error);
            }
        }).get(15, TimeUnit.SECONDS);
        try {
            long start = System.nanoTime();
            ws.sendText(text, true);
            String echoed = received.get(15, TimeUnit.SECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (!echoed.equals(text)) {
                throw new AssertionError("sent \"" + text + "\", received \"" + echoed + "\"");
            }
            return took;
        } finally {
            ws.abort();
        }
    }

    /** The status of the handshake's answer when it is not 101; fails when the handshake succeeds. */
    public static int handshakeStatus(URI uri) throws Exception {
        try {
            WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() { }).get(15, TimeUnit.SECONDS);
            ws.abort();
            throw new AssertionError("the handshake with " + uri + " succeeded");
        } catch (ExecutionException | CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException handshake) {
                return handshake.getResponse().statusCode();
            }
            throw e;
        }
    }
}
