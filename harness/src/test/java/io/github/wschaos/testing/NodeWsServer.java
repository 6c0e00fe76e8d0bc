package io.github.wschaos.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real Node.js WebSocket echo server built on the {@code ws} library (Debian's {@code node-ws}), run as a
 * child process on 127.0.0.1 and an ephemeral port. It accepts {@code permessage-deflate}, echoes, and
 * understands the commands described in {@link EchoServer}. {@link #close()} kills the process; the script
 * also exits by itself when the JVM goes away (its stdin closes).
 *
 * <p>Needs {@code node} on the {@code PATH} (or in the {@code wschaos.node} system property) and {@code ws}
 * under {@code /usr/share/nodejs} (or in {@code NODE_PATH}).
 */
public final class NodeWsServer implements EchoServer {

    private final ScriptProcess process;
    private final List<CloseStatus> closes = new CopyOnWriteArrayList<>();

    private final String path;

    private NodeWsServer(String path) throws IOException {
        this.path = path;
        process = ScriptProcess.startNode("ws-echo-server.js", path == null ? Map.of() : Map.of("WS_PATH", path),
                this::closeReported);
    }

    /**
     * Starts the server and waits until it listens.
     *
     * @throws IllegalStateException if node cannot be started or does not report a port in time
     */
    public static NodeWsServer start() {
        return start(null);
    }

    /**
     * Starts a server that serves WebSockets at {@code path} only ({@code ws}'s {@code path} option): an upgrade at any
     * other path gets {@code 400 Bad Request}, a plain GET {@code 426 Upgrade Required}; {@code null} serves every path.
     */
    public static NodeWsServer startAt(String path) {
        return start(path);
    }

    private static NodeWsServer start(String path) {
        try {
            return new NodeWsServer(path);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start node (is it installed?): " + e.getMessage(), e);
        }
    }

    /** A {@code CLOSE <code> <reason>} line: a close frame the server received. */
    private void closeReported(String line) {
        if (line.startsWith("CLOSE ")) {
            int space = line.indexOf(' ', 6);
            closes.add(new CloseStatus(Integer.parseInt(line.substring(6, space)), line.substring(space + 1)));
        }
    }

    @Override
    public URI uri() {
        return URI.create("ws://127.0.0.1:" + process.port() + (path == null ? "/echo" : path));
    }

    @Override
    public List<CloseStatus> closesReceived() {
        return List.copyOf(closes);
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "node ws echo server on " + uri();
    }
}
