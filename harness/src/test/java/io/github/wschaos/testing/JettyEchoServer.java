package io.github.wschaos.testing;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * A real Jetty 12 WebSocket echo server at {@code /echo} on loopback, on an ephemeral port. Accepts
 * {@code permessage-deflate} (Jetty's default) and understands the commands described in {@link EchoServer};
 * Jetty itself answers a client's close frame with the same code and reason.
 */
public final class JettyEchoServer implements EchoServer {

    private static final int MAX_MESSAGE = 64 * 1024 * 1024;

    private final Server server;
    private final ServerConnector connector;
    private final List<CloseStatus> closes = new CopyOnWriteArrayList<>();

    private final String host;

    private JettyEchoServer(String host) {
        this(host, Duration.ofMinutes(1));
    }

    private JettyEchoServer(String host, Duration idleTimeout) {
        this.host = host;
        server = new Server();
        connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxTextMessageSize(MAX_MESSAGE);
            container.setMaxBinaryMessageSize(MAX_MESSAGE);
            container.setIdleTimeout(idleTimeout);
            container.addMapping("/echo", (request, response, callback) -> new Echo(closes));
        }));
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw new IllegalStateException("Could not start Jetty on " + host + ": " + e, e);
        }
    }

    /** A started echo server. */
    public static JettyEchoServer start() {
        return new JettyEchoServer("127.0.0.1");
    }

    /** A started echo server whose own WebSocket idle timeout ends a connection idle for {@code idleTimeout}. */
    public static JettyEchoServer startWithIdleTimeout(Duration idleTimeout) {
        return new JettyEchoServer("127.0.0.1", idleTimeout);
    }

    /** A started echo server listening on {@code host} only, e.g. {@code ::1}. */
    public static JettyEchoServer start(String host) {
        return new JettyEchoServer(host);
    }

    @Override
    public URI uri() {
        String literal = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return URI.create("ws://" + literal + ":" + connector.getLocalPort() + "/echo");
    }

    @Override
    public List<CloseStatus> closesReceived() {
        return List.copyOf(closes);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Could not stop Jetty: " + e, e);
        }
    }

    /** One connection's endpoint: echoes, and obeys the commands. Public because Jetty invokes it by method handles. */
    public static final class Echo implements Session.Listener.AutoDemanding {

        private volatile Session session;

        private final List<CloseStatus> closes;

        /** Created by the server for each connection; adds the close frame it receives to {@code closes}. */
        Echo(List<CloseStatus> closes) {
            this.closes = closes;
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            if (statusCode != 1006) {
                closes.add(new CloseStatus(statusCode, reason == null ? "" : reason));
            }
        }

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        @Override
        public void onWebSocketText(String message) {
            if (message.equals(ABORT)) {
                session.disconnect();
                return;
            }
            Optional<CloseStatus> close = CloseStatus.parseCommand(message);
            if (close.isPresent()) {
                session.close(close.get().code(), close.get().reason(), Callback.NOOP);
                return;
            }
            session.sendText(message, Callback.NOOP);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
            callback.succeed();
            session.sendBinary(copy, Callback.NOOP);
        }
    }
}
