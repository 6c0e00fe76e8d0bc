package io.github.wschaos.testing;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;

/**
 * {@link RealClient} for OkHttp. When the server closes first, the connection answers with the same code,
 * as browsers do.
 */
final class OkHttpRealClient implements RealClient {

    private static final OkHttpClient HTTP = new OkHttpClient.Builder()
            .connectTimeout(5, TimeUnit.SECONDS)
            .readTimeout(0, TimeUnit.SECONDS)
            .build();

    @Override
    public String name() {
        return "OkHttp";
    }

    @Override
    public ClientConnection connect(URI uri) throws Exception {
        Connection connection = new Connection();
        // OkHttp wants http(s) URLs; ws(s) ones are mapped the same way.
        String url = uri.toString().replaceFirst("^ws", "http");
        connection.socket = HTTP.newWebSocket(new Request.Builder().url(url).build(), connection.listener);
        connection.opened.get(10, TimeUnit.SECONDS);
        return connection;
    }

    @Override
    public String toString() {
        return name();
    }

    /** One connection and its listener. */
    private static final class Connection extends ClientConnection {

        private final CompletableFuture<Void> opened = new CompletableFuture<>();
        private volatile WebSocket socket;

        private final WebSocketListener listener = new WebSocketListener() {
            @Override
            public void onOpen(WebSocket webSocket, Response response) {
                opened.complete(null);
            }

            @Override
            public void onMessage(WebSocket webSocket, String text) {
                received(text);
            }

            @Override
            public void onMessage(WebSocket webSocket, ByteString bytes) {
                received(bytes.toByteArray());
            }

            @Override
            public void onClosing(WebSocket webSocket, int code, String reason) {
                ended(ClientEnding.closed(code, reason));
                webSocket.close(code, null);
            }

            @Override
            public void onClosed(WebSocket webSocket, int code, String reason) {
                ended(ClientEnding.closed(code, reason));
            }

            @Override
            public void onFailure(WebSocket webSocket, Throwable failure, Response response) {
                opened.completeExceptionally(failure);
                ended(ClientEnding.failed(failure));
            }
        };

        @Override
        public void sendText(String text) {
            check(socket.send(text), "text");
        }

        @Override
        public void sendBinary(byte[] data) {
            check(socket.send(ByteString.of(data)), "binary");
        }

        @Override
        public void sendClose(int code, String reason) {
            check(socket.close(code, reason), "close");
        }

        private static void check(boolean enqueued, String what) {
            if (!enqueued) {
                throw new IllegalStateException("OkHttp refused to send " + what + ": the socket is closing or closed");
            }
        }

        @Override
        public void close() {
            if (socket != null) {
                socket.cancel();
            }
        }
    }
}
