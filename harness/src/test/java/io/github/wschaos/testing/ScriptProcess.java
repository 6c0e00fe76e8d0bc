package io.github.wschaos.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A server run as a child process from a script among the test resources (next to this class): the script prints
 * {@code PORT <n>} once it listens, and exits when its stdin closes (the JVM went away). Its other output lines go to
 * a consumer; its errors to this JVM's stderr. {@link #close()} kills it and deletes the script's copy.
 */
final class ScriptProcess implements AutoCloseable {

    private static final long START_TIMEOUT_SECONDS = 15;

    private final Process process;
    private final Path script;
    private final int port;

    private ScriptProcess(List<String> interpreter, String resource, Map<String, String> environment,
            Consumer<String> otherLines) throws IOException {
        String suffix = resource.substring(resource.lastIndexOf('.'));
        script = Files.createTempFile("wschaos-" + resource.substring(0, resource.lastIndexOf('.')) + "-", suffix);
        try (InputStream in = ScriptProcess.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + resource + " is missing next to " + ScriptProcess.class);
            }
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> command = new ArrayList<>(interpreter);
        command.add(script.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(environment);
        process = builder.start();
        port = readPort(otherLines);
    }

    /**
     * Runs {@code resource} with {@code interpreter} and waits until it reports its port.
     *
     * @throws IOException if the process cannot be started
     * @throws IllegalStateException if it does not report a port in time
     */
    static ScriptProcess start(List<String> interpreter, String resource, Map<String, String> environment,
            Consumer<String> otherLines) throws IOException {
        return new ScriptProcess(interpreter, resource, environment, otherLines);
    }

    /**
     * Runs the Node.js script {@code resource} with {@code node} (or the {@code wschaos.node} system property), Debian's
     * {@code /usr/share/nodejs} on its {@code NODE_PATH} (after the caller's own, if set), and waits until it reports
     * its port.
     */
    static ScriptProcess startNode(String resource, Consumer<String> otherLines) throws IOException {
        return startNode(resource, Map.of(), otherLines);
    }

    /** {@link #startNode(String, Consumer)} with {@code environment} added to the script's. */
    static ScriptProcess startNode(String resource, Map<String, String> environment, Consumer<String> otherLines)
            throws IOException {
        String nodePath = System.getenv("NODE_PATH");
        Map<String, String> all = new HashMap<>(environment);
        all.put("NODE_PATH", nodePath == null || nodePath.isEmpty()
                ? "/usr/share/nodejs" : nodePath + java.io.File.pathSeparator + "/usr/share/nodejs");
        return start(List.of(System.getProperty("wschaos.node", "node")), resource, all, otherLines);
    }

    private int readPort(Consumer<String> otherLines) {
        CompletableFuture<Integer> reported = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("PORT ")) {
                        reported.complete(Integer.parseInt(line.substring(5).trim()));
                    } else {
                        otherLines.accept(line);
                    }
                }
                reported.completeExceptionally(new IllegalStateException("the process exited without reporting a port"));
            } catch (IOException | RuntimeException e) {
                reported.completeExceptionally(e);
            }
        }, script.getFileName() + "-stdout");
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

    /**
     * Checks that {@code python} can import {@code module}: if not, the test is skipped (a failed assumption), except in
     * CI (environment {@code CI=true}), where it fails, since CI installs {@code aptPackage}.
     */
    static void requirePython(String python, String module, String aptPackage) {
        int exit;
        try {
            Process probe = new ProcessBuilder(python, "-c", "import " + module).redirectErrorStream(true).start();
            probe.getInputStream().transferTo(OutputStream.nullOutputStream());
            exit = probe.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS) ? probe.exitValue() : -1;
        } catch (IOException e) {
            exit = -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while looking for " + python, e);
        }
        if (exit != 0) {
            String message = python + " cannot import " + module + " (apt-get install " + aptPackage
                    + ", or set -Dwschaos.python)";
            RequiredTool.missing(message);
        }
    }

    /** Deletes a fixture's temporary directory and what it holds; a leftover one is harmless. */
    static void deleteDirectory(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A leftover temp directory is harmless.
        }
    }

    /** A loopback port free now (a fixture that finds it taken by the time it listens tries another). */
    static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    /** Whether something accepts connections on {@code port} of 127.0.0.1 (a fixture's server has bound it). */
    static boolean acceptsOnLoopback(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Ends {@code process}: SIGTERM, then SIGKILL if it is still there after 5 s. */
    static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        stop(process);
        try {
            Files.deleteIfExists(script);
        } catch (IOException e) {
            // A leftover temp script is harmless.
        }
    }
}
