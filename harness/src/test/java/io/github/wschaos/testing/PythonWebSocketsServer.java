package io.github.wschaos.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assumptions;

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

    private static final String SCRIPT = "websockets-echo-server.py";
    private static final long START_TIMEOUT_SECONDS = 15;

    private final Process process;
    private final Path script;
    private final int port;

    private PythonWebSocketsServer(String python) throws IOException {
        script = Files.createTempFile("wschaos-websockets-echo-", ".py");
        try (InputStream in = PythonWebSocketsServer.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + SCRIPT + " is missing next to " + PythonWebSocketsServer.class);
            }
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        process = new ProcessBuilder(python, script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        port = readPort();
    }

    /** Starts the server and waits until it listens. */
    public static PythonWebSocketsServer start() {
        String python = System.getProperty("wschaos.python", "/usr/bin/python3");
        requireWebsockets(python);
        try {
            return new PythonWebSocketsServer(python);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + python + ": " + e.getMessage(), e);
        }
    }

    private static void requireWebsockets(String python) {
        int exit;
        try {
            Process probe = new ProcessBuilder(python, "-c", "import websockets").redirectErrorStream(true).start();
            probe.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            exit = probe.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS) ? probe.exitValue() : -1;
        } catch (IOException e) {
            exit = -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while looking for " + python, e);
        }
        if (exit != 0) {
            String message = python + " cannot import websockets (apt-get install python3-websockets, or set -Dwschaos.python)";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(message + "; CI must install it (see .ci/run)");
            }
            Assumptions.assumeTrue(false, message + "; skipping the test with a Python websockets server");
        }
    }

    private int readPort() {
        CompletableFuture<Integer> reported = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                // The script prints its port before anything else, or exits (its error goes to this JVM's stderr).
                String line = out.readLine();
                if (line == null || !line.startsWith("PORT ")) {
                    throw new IllegalStateException(script + " did not report its port: " + line);
                }
                reported.complete(Integer.parseInt(line.substring(5).trim()));
                out.transferTo(java.io.Writer.nullWriter());
            } catch (IOException | RuntimeException e) {
                reported.completeExceptionally(e);
            }
        }, "python-websockets-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            return reported.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            close();
            throw new IllegalStateException(script + " did not report its port within " + START_TIMEOUT_SECONDS + " s: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while starting " + script, e);
        }
    }

    /** {@code ws://127.0.0.1:<port>/echo} (the server echoes on every path). */
    public URI uri() {
        return URI.create("ws://127.0.0.1:" + port + "/echo");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            Files.deleteIfExists(script);
        } catch (IOException e) {
            // A leftover temp script is harmless.
        }
    }

    @Override
    public String toString() {
        return "Python websockets echo server on " + uri();
    }
}
