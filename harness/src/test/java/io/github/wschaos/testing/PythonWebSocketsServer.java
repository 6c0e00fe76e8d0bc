package io.github.wschaos.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * A real WebSocket echo server on Python's {@code websockets} library (Debian's {@code python3-websockets}), run as
 * a child process on 127.0.0.1 and an ephemeral port. {@link #close()} kills it; it also exits by itself when the
 * JVM goes away (its stdin closes).
 *
 * <p>Without Python or the library, {@link #start()} skips the test (a failed assumption), except in CI (environment
 * {@code CI=true}), where it fails it: CI installs them. The interpreter is {@code /usr/bin/python3} (Debian's, which
 * the package installs into), or the {@code wschaos.python} system property.
 */
public final class PythonWebSocketsServer implements AutoCloseable {

    private final ScriptProcess process;

    private PythonWebSocketsServer(String python) throws IOException {
        process = ScriptProcess.start(List.of(python), "websockets-echo-server.py", Map.of(), line -> { });
    }

    /** Starts the server and waits until it listens. */
    public static PythonWebSocketsServer start() {
        String python = System.getProperty("wschaos.python", "/usr/bin/python3");
        ScriptProcess.requirePython(python, "websockets", "python3-websockets");
        try {
            return new PythonWebSocketsServer(python);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + python + ": " + e.getMessage(), e);
        }
    }

    /** {@code ws://127.0.0.1:<port>/echo} (the server echoes on every path). */
    public URI uri() {
        return URI.create("ws://127.0.0.1:" + process.port() + "/echo");
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "Python websockets echo server on " + uri();
    }
}
