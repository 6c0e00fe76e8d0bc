package io.github.wschaos.junit.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The JDK's WebSocket client, reduced to what the tests need: what a handshake ends with, and an echo round trip. */
public final class Ws {

    private Ws() {
    }

    /**
     * Tries a handshake and reports how it ended: {@code "101"} for an upgrade, the HTTP status of a refusal
     * (e.g. {@code "503"}), or {@code "failed: <exception>"} for anything else.
     */
    public static String handshake(URI uri) {
        try {
            WebSocket socket = client().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(uri, new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS);
            socket.abort();
            return "101";
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return String.valueOf(refused.getResponse().statusCode());
            }
            return "failed: " + e.getCause();
        } catch (InterruptedException | TimeoutException e) {
            return "failed: " + e;
        }
    }

    /** Connects, sends {@code text} and returns the echo. */
    public static String echo(URI uri, String text) throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        WebSocket socket = client().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        reply.complete(data.toString());
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        try {
            socket.sendText(text, true).get(10, TimeUnit.SECONDS);
            return reply.get(10, TimeUnit.SECONDS);
        } finally {
            socket.abort();
        }
    }

    /** Connects and returns a future completed with the close code the client reports (1006: no close frame). */
    public static CompletableFuture<Integer> closeCode(URI uri) throws Exception {
        CompletableFuture<Integer> code = new CompletableFuture<>();
        client().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(uri, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                code.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                code.complete(1006);
            }
        }).get(10, TimeUnit.SECONDS);
        return code;
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }
}
