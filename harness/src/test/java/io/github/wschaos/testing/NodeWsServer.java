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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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

    private static final String SCRIPT = "ws-echo-server.js";
    private static final long START_TIMEOUT_SECONDS = 15;

    private final Process process;
    private final Path script;
    private final int port;
    private final List<CloseStatus> closes = new CopyOnWriteArrayList<>();

    private NodeWsServer() throws IOException {
        script = Files.createTempFile("wschaos-ws-echo-", ".js");
        try (InputStream in = NodeWsServer.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + SCRIPT + " is missing next to " + NodeWsServer.class);
            }
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        ProcessBuilder builder = new ProcessBuilder(System.getProperty("wschaos.node", "node"), script.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        String nodePath = System.getenv("NODE_PATH");
        builder.environment().put("NODE_PATH", nodePath == null || nodePath.isEmpty()
                ? "/usr/share/nodejs" : nodePath + java.io.File.pathSeparator + "/usr/share/nodejs");
        process = builder.start();
        port = readPort();
    }

    /**
     * Starts the server and waits until it listens.
     *
     * @throws IllegalStateException if node cannot be started or does not report a port in time
     */
    public static NodeWsServer start() {
        try {
            return new NodeWsServer();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start node (is it installed?): " + e.getMessage(), e);
        }
    }

    private int readPort() {
        CompletableFuture<Integer> reported = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("PORT ")) {
                        reported.complete(Integer.parseInt(line.substring(5).trim()));
                    } else if (line.startsWith("CLOSE ")) {
                        int space = line.indexOf(' ', 6);
                        closes.add(new CloseStatus(Integer.parseInt(line.substring(6, space)), line.substring(space + 1)));
                    }
                }
                reported.completeExceptionally(new IllegalStateException("node exited without reporting a port"));
            } catch (IOException | RuntimeException e) {
                reported.completeExceptionally(e);
            }
        }, "node-ws-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            return reported.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            close();
            throw new IllegalStateException("node " + script + " did not report its port within "
                    + START_TIMEOUT_SECONDS + " s: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while starting node", e);
        }
    }

    @Override
    public URI uri() {
        return URI.create("ws://127.0.0.1:" + port + "/echo");
    }

    @Override
    public List<CloseStatus> closesReceived() {
        return List.copyOf(closes);
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
        return "node ws echo server on " + uri();
    }
}
