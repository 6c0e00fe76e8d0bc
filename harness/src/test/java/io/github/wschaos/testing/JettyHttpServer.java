package io.github.wschaos.testing;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * A real Jetty 12 HTTP/1.1 server on loopback that remembers every request it got (with the port of the TCP
 * connection it came on) and answers by path:
 *
 * <ul>
 *   <li>{@code /echo}: the request body back, written in three parts without a length (chunked);</li>
 *   <li>{@code /poll}: {@code polled}, 200 ms after the request arrived (a long-polling answer);</li>
 *   <li>{@code /ws}: a WebSocket upgrade, then the echo of {@link JettyEchoServer} (recorded too, with an empty body);</li>
 *   <li>anything else: {@code hello from <path>} with a {@code Content-Length}.</li>
 * </ul>
 */
public final class JettyHttpServer implements AutoCloseable {

    /** How long {@code /poll} holds its answer. */
    public static final long POLL_DELAY_MILLIS = 200;

    /**
     * A request as the server received it.
     *
     * @param method the request method
     * @param path the path
     * @param host the {@code Host} header
     * @param transferEncoding the {@code Transfer-Encoding} header, or null
     * @param clientPort the remote port of the TCP connection it came on
     * @param body the request body
     */
    public record Received(String method, String path, String host, String transferEncoding, int clientPort, String body) {
    }

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server, 1, 1);
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private JettyHttpServer() throws Exception {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebSocketUpgradeHandler webSockets = WebSocketUpgradeHandler.from(server, container ->
                container.addMapping("/ws", (request, response, callback) -> {
                    received.add(received(request, ""));
                    return new JettyEchoServer.Echo(new CopyOnWriteArrayList<>());
                }));
        webSockets.setHandler(new Answers());
        server.setHandler(webSockets);
        server.start();
    }

    /** A started server on an ephemeral loopback port. */
    public static JettyHttpServer start() throws Exception {
        return new JettyHttpServer();
    }

    /** The server's address as a {@code ws://} URI, which is what a proxy's upstream takes. */
    public URI wsUri() {
        return URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/");
    }

    /** Every request received so far, in order. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private static Received received(Request request, String body) {
        InetSocketAddress remote = (InetSocketAddress) request.getConnectionMetaData().getRemoteSocketAddress();
        return new Received(request.getMethod(), request.getHttpURI().getPath(), request.getHeaders().get(HttpHeader.HOST),
                request.getHeaders().get(HttpHeader.TRANSFER_ENCODING), remote.getPort(), body);
    }

    private final class Answers extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String body;
            try (InputStream in = Request.asInputStream(request)) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String path = request.getHttpURI().getPath();
            received.add(received(request, body));
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            switch (path) {
                case "/echo" -> echoInParts(response, body, callback);
                case "/poll" -> request.getComponents().getScheduler().schedule(
                        () -> response.write(true, utf8("polled"), callback), POLL_DELAY_MILLIS, TimeUnit.MILLISECONDS);
                default -> {
                    ByteBuffer content = utf8("hello from " + path);
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, content.remaining());
                    response.write(true, content, callback);
                }
            }
            return true;
        }

        private void echoInParts(Response response, String body, Callback callback) throws Exception {
            int third = body.length() / 3;
            for (String part : List.of(body.substring(0, third), body.substring(third, 2 * third))) {
                try (Blocker.Callback written = Blocker.callback()) {
                    response.write(false, utf8(part), written);
                    written.block();
                }
            }
            response.write(true, utf8(body.substring(2 * third)), callback);
        }

        private ByteBuffer utf8(String text) {
            return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
