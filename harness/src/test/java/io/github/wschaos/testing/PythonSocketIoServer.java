package io.github.wschaos.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real Socket.IO server (python-socketio on aiohttp, Debian's {@code python3-socketio} and {@code python3-aiohttp};
 * Engine.IO 4, the protocol of Socket.IO 3 and 4), run as a child process on 127.0.0.1 and an ephemeral port, with
 * the heartbeat's interval and timeout given. {@link #close()} kills it; it also exits when the JVM goes away.
 *
 * <p>Without Python or the libraries, {@link #start} skips the test (a failed assumption), except in CI
 * ({@code CI=true}), where it fails it: CI installs them. The interpreter is {@code /usr/bin/python3}, or the
 * {@code wschaos.python} system property.
 */
public final class PythonSocketIoServer implements AutoCloseable {

    private final ScriptProcess process;

    private PythonSocketIoServer(String python, Duration pingInterval, Duration pingTimeout) throws IOException {
        process = ScriptProcess.start(List.of(python), "socketio-server.py",
                Map.of("PING_INTERVAL", seconds(pingInterval), "PING_TIMEOUT", seconds(pingTimeout)), line -> { });
    }

    /** Starts the server, whose heartbeat pings every {@code pingInterval} and waits {@code pingTimeout} for the answer. */
    public static PythonSocketIoServer start(Duration pingInterval, Duration pingTimeout) {
        String python = System.getProperty("wschaos.python", "/usr/bin/python3");
        ScriptProcess.requirePython(python, "socketio, aiohttp", "python3-socketio python3-aiohttp");
        try {
            return new PythonSocketIoServer(python, pingInterval, pingTimeout);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + python + ": " + e.getMessage(), e);
        }
    }

    /** {@code ws://127.0.0.1:<port>}: append Socket.IO's path, e.g. {@code /socket.io/?EIO=4&transport=websocket}. */
    public URI uri() {
        return URI.create("ws://127.0.0.1:" + process.port());
    }

    private static String seconds(Duration duration) {
        return Double.toString(duration.toMillis() / 1000.0);
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "python-socketio server on " + uri();
    }
}
