package io.github.wschaos.testing;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** {@link RealClient} for the JDK's {@code java.net.http.WebSocket}. */
final class JdkRealClient implements RealClient {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public String name() {
        return "JDK HttpClient";
    }

    @Override
    public ClientConnection connect(URI uri) throws Exception {
        Connection connection = new Connection();
        connection.socket = HTTP.newWebSocketBuilder().buildAsync(uri, connection).get(10, TimeUnit.SECONDS);
        return connection;
    }

    @Override
    public String toString() {
        return name();
    }

    /** One connection: a {@link WebSocket.Listener} that assembles partial messages. */
    private static final class Connection extends ClientConnection implements WebSocket.Listener {

        private volatile WebSocket socket;
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                received(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binary.writeBytes(bytes);
            if (last) {
                received(binary.toByteArray());
                binary.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            ended(ClientEnding.closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ended(ClientEnding.failed(error));
        }

        @Override
        public void sendText(String message) throws Exception {
            socket.sendText(message, true).get(10, TimeUnit.SECONDS);
        }

        @Override
        public void sendBinary(byte[] data) throws Exception {
            socket.sendBinary(ByteBuffer.wrap(data), true).get(10, TimeUnit.SECONDS);
        }

        @Override
        public void sendClose(int code, String reason) throws Exception {
            socket.sendClose(code, reason).get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            if (socket != null) {
                socket.abort();
            }
        }
    }
}
