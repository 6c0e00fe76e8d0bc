package io.github.wschaos.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;

/**
 * A plain Node.js {@code http} server (no WebSocket library) that answers every request, upgrade requests included,
 * with {@code 426 Upgrade Required} in a chunked body ({@code 10\r\nUpgrade Required\r\n0\r\n\r\n}) and keeps the
 * connection alive, as a Node server writing its answer with {@code res.write()} does. Run as a child process on
 * 127.0.0.1 and an ephemeral port; {@link #close()} kills it, and it exits by itself when the JVM goes away.
 */
public final class NodeChunkedHttpServer implements AutoCloseable {

    private final ScriptProcess process;

    private NodeChunkedHttpServer() throws IOException {
        process = ScriptProcess.startNode("http-chunked-426-server.js", line -> { });
    }

    /** Starts the server and waits until it listens. */
    public static NodeChunkedHttpServer start() {
        try {
            return new NodeChunkedHttpServer();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start node (is it installed?): " + e.getMessage(), e);
        }
    }

    /** {@code ws://127.0.0.1:<port>/chat} (every path gets the same answer). */
    public URI uri() {
        return URI.create("ws://127.0.0.1:" + process.port() + "/chat");
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "Node http server answering a chunked 426 on " + uri();
    }
}
