package io.github.wschaos.examples.support;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * A real Jetty 12 application on 127.0.0.1 and an ephemeral port, shaped like a typical web app: WebSocket echo
 * endpoints on some paths, plain HTTP pages on others, and {@code 404 Not Found} for the rest.
 *
 * <p>A request for a WebSocket path with {@code Upgrade: websocket} is upgraded; every other request, upgrade
 * headers or not, goes to the plain pages, exactly as Jetty routes it in production.
 */
public final class AppServer implements AutoCloseable {

    /** The WebSocket endpoints unless others are given: the app's socket and a dev server's hot-reload socket. */
    public static final List<String> DEFAULT_SOCKETS = List.of("/echo", "/_next/webpack-hmr");

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server, 1, 1);

    private AppServer(List<String> socketPaths, Map<String, Page> pages) {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebSocketUpgradeHandler sockets = WebSocketUpgradeHandler.from(server, container -> {
            container.setIdleTimeout(Duration.ofMinutes(1));
            socketPaths.forEach(path -> container.addMapping(path, (request, response, callback) -> new Echo()));
        });
        sockets.setHandler(new Pages(Map.copyOf(pages)));
        server.setHandler(sockets);
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw new IllegalStateException("Could not start Jetty on 127.0.0.1: " + e, e);
        }
    }

    /** The app with its echo sockets at {@link #DEFAULT_SOCKETS} and a home page at {@code /}. */
    public static AppServer start() {
        return start(DEFAULT_SOCKETS, Map.of("/", Page.html("<!doctype html><title>app</title><p>the app</p>")));
    }

    /**
     * The app with echo sockets at {@code socketPaths} and {@code pages} by exact path; a page under {@code "*"}
     * answers every other path, as a single-page app's history fallback does.
     */
    public static AppServer start(List<String> socketPaths, Map<String, Page> pages) {
        return new AppServer(List.copyOf(socketPaths), pages);
    }

    /** {@code ws://127.0.0.1:<port>/echo}, the app's WebSocket. */
    public URI wsUri() {
        return wsUri("/echo");
    }

    /** {@code ws://127.0.0.1:<port><path>}. */
    public URI wsUri(String path) {
        return URI.create("ws://127.0.0.1:" + connector.getLocalPort() + path);
    }

    /** {@code http://127.0.0.1:<port><path>}, for a browser. */
    public URI httpUri(String path) {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + path);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Could not stop Jetty: " + e, e);
        }
    }

    /**
     * A plain HTTP answer.
     *
     * @param status the status code
     * @param contentType the {@code Content-Type}
     * @param body the body, UTF-8
     */
    public record Page(int status, String contentType, String body) {

        /** A {@code 200} HTML page. */
        public static Page html(String body) {
            return new Page(200, "text/html; charset=utf-8", body);
        }
    }

    /** One connection's endpoint: echoes every text message. Public because Jetty invokes it by method handles. */
    public static final class Echo implements Session.Listener.AutoDemanding {

        private volatile Session session;

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        @Override
        public void onWebSocketText(String message) {
            session.sendText(message, org.eclipse.jetty.websocket.api.Callback.NOOP);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            // a client that went away without a close frame: the examples make that happen on purpose
        }
    }

    private static final class Pages extends Handler.Abstract {

        private final Map<String, Page> pages;

        Pages(Map<String, Page> pages) {
            this.pages = pages;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            Page page = pages.get(path);
            if (page == null) {
                page = pages.get("*");
            }
            if (page == null) {
                Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                return true;
            }
            ByteBuffer body = ByteBuffer.wrap(page.body().getBytes(StandardCharsets.UTF_8));
            response.setStatus(page.status());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, page.contentType());
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.remaining());
            response.write(true, body, callback);
            return true;
        }
    }
}
