package io.github.wschaos.testing;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/** {@link RealClient} for TooTallNate's Java-WebSocket, with its lost-connection pings turned off. */
final class JavaWebSocketRealClient implements RealClient {

    @Override
    public String name() {
        return "Java-WebSocket";
    }

    @Override
    public boolean readsUntilCloseReply() {
        return false;
    }

    @Override
    public ClientConnection connect(URI uri) throws Exception {
        Connection connection = new Connection(uri);
        if (!connection.client.connectBlocking(10, TimeUnit.SECONDS)) {
            connection.close();
            throw new IllegalStateException("Java-WebSocket did not connect to " + uri + ": "
                    + connection.ending().getNow(null));
        }
        return connection;
    }

    @Override
    public ClientEnding failedHandshake(URI uri) throws Exception {
        Connection connection = new Connection(uri);
        try {
            if (connection.client.connectBlocking(10, TimeUnit.SECONDS)) {
                throw new AssertionError(name() + " connected to " + uri + ", but the handshake was expected to fail");
            }
            return connection.ending().get(10, TimeUnit.SECONDS);
        } finally {
            connection.close();
        }
    }

    @Override
    public String toString() {
        return name();
    }

    /** One connection and its client (Java-WebSocket has one client object per connection). */
    private static final class Connection extends ClientConnection {

        private final WebSocketClient client;

        Connection(URI uri) {
            client = new WebSocketClient(uri) {
                @Override
                public void onOpen(ServerHandshake handshake) {
                }

                @Override
                public void onMessage(String message) {
                    received(message);
                }

                @Override
                public void onMessage(ByteBuffer bytes) {
                    byte[] data = new byte[bytes.remaining()];
                    bytes.get(data);
                    received(data);
                }

                @Override
                public void onClose(int code, String reason, boolean remote) {
                    ended(ClientEnding.closed(code, reason));
                }

                @Override
                public void onError(Exception failure) {
                    ended(ClientEnding.failed(failure));
                }
            };
            client.setConnectionLostTimeout(0);
        }

        @Override
        public void sendText(String text) {
            client.send(text);
        }

        @Override
        public void sendBinary(byte[] data) {
            client.send(data);
        }

        @Override
        public void sendClose(int code, String reason) {
            client.close(code, reason);
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
