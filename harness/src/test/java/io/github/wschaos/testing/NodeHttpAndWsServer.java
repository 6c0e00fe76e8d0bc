package io.github.wschaos.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;

/**
 * A real Node.js {@code http} server with Node's {@code ws} on the same port, as an app serves its pages and its
 * WebSocket together: a plain request gets {@code 200} with its path as the body once the request's body has been read;
 * an upgrade is answered {@code 101} at once by {@code ws}, which echoes messages. Node emits the upgrade in the same
 * parse as a request before it, so a request pipelined ahead of an upgrade, both reaching the server together, is
 * answered after the {@code 101}. Run as a child process on 127.0.0.1 and an ephemeral port; {@link #close()} kills it,
 * and it exits by itself when the JVM goes away.
 */
public final class NodeHttpAndWsServer implements AutoCloseable {

    private final ScriptProcess process;

    private NodeHttpAndWsServer() throws IOException {
        process = ScriptProcess.startNode("http-and-ws-server.js", line -> { });
    }

    /** Starts the server and waits until it listens. */
    public static NodeHttpAndWsServer start() {
        try {
            return new NodeHttpAndWsServer();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start node (is it installed?): " + e.getMessage(), e);
        }
    }

    /** {@code ws://127.0.0.1:<port>/chat} (every path is served the same way). */
    public URI uri() {
        return URI.create("ws://127.0.0.1:" + process.port() + "/chat");
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "Node http and ws server on " + uri();
    }
}
