package io.github.wschaos.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real haproxy (Debian's {@code /usr/sbin/haproxy}) in HTTP mode on 127.0.0.1 in front of a given upstream, run in
 * the foreground ({@code haproxy -db -f DIR/haproxy.cfg}) with a generated configuration in a temporary directory:
 * one frontend on a free port with the lines given (an {@code http-request deny} rule, a stick table), one backend
 * with the lines given ({@code timeout server 2s}). {@link #close()} stops the process and deletes the directory.
 *
 * <p>When haproxy is not installed, {@link Builder#start()} skips the test (a failed assumption), except in CI
 * (environment {@code CI=true}), where it fails it: CI installs haproxy.
 */
public final class HaproxyServer implements AutoCloseable {

    /** Where Debian installs haproxy; the {@code wschaos.haproxy} system property overrides it. */
    public static final String DEFAULT_BINARY = "/usr/sbin/haproxy";

    private static final int PORT_ATTEMPTS = 5;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final Path dir;
    private final Process process;
    private final int port;

    private HaproxyServer(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    /** A builder for a haproxy proxying to {@code upstream} ({@code ws://host:port/...}; only host and port are used). */
    public static Builder builder(URI upstream) {
        return new Builder(upstream);
    }

    /** {@code ws://127.0.0.1:<port><path>}. */
    public URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    /** Stops haproxy (SIGTERM, then SIGKILL after 5 s), waits for it and deletes its directory. */
    @Override
    public void close() {
        ScriptProcess.stop(process);
        ScriptProcess.deleteDirectory(dir);
    }

    @Override
    public String toString() {
        return "haproxy on " + uri("/") + " (" + dir + ")";
    }

    /** Settings of a haproxy to start; {@link #start()} starts it. */
    public static final class Builder {

        private final URI upstream;
        private final List<String> frontend = new ArrayList<>();
        private final List<String> backend = new ArrayList<>();

        private Builder(URI upstream) {
            this.upstream = upstream;
        }

        /** A line of the frontend section, e.g. {@code http-request deny if { req.hdr(upgrade) -i websocket }}. */
        public Builder frontend(String line) {
            frontend.add(line);
            return this;
        }

        /** A line of the backend section, e.g. {@code timeout server 2s}. */
        public Builder backend(String line) {
            backend.add(line);
            return this;
        }

        /**
         * Starts haproxy and waits until it listens; retries on another port if the chosen one was taken meanwhile.
         *
         * @throws IllegalStateException if haproxy does not start; the message holds its output
         */
        public HaproxyServer start() {
            Path binary = Path.of(System.getProperty("wschaos.haproxy", DEFAULT_BINARY));
            if (!Files.isExecutable(binary)) {
                String message = "haproxy is not installed at " + binary + " (apt-get install haproxy, or set -Dwschaos.haproxy)";
                RequiredTool.missing(message);
            }
            try {
                Path dir = Files.createTempDirectory("wschaos-haproxy-");
                String output = "";
                for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
                    int port = ScriptProcess.freeLoopbackPort();
                    Path config = dir.resolve("haproxy.cfg");
                    Files.writeString(config, config(port));
                    Path log = dir.resolve("output.log");
                    Process process = new ProcessBuilder(binary.toString(), "-db", "-f", config.toString())
                            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
                    await("haproxy to listen on 127.0.0.1:" + port).atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(20))
                            .until(() -> !process.isAlive() || ScriptProcess.acceptsOnLoopback(port));
                    if (process.isAlive()) {
                        return new HaproxyServer(dir, process, port);
                    }
                    output = Files.readString(log, StandardCharsets.UTF_8);
                    if (!output.contains("Address already in use")) {
                        break;
                    }
                }
                throw new IllegalStateException("haproxy did not start; its output:\n" + output);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start haproxy: " + e, e);
            }
        }

        private String config(int port) {
            StringBuilder config = new StringBuilder()
                    .append("defaults\n    mode http\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n")
                    .append("frontend front\n    bind 127.0.0.1:").append(port).append('\n');
            frontend.forEach(line -> config.append("    ").append(line).append('\n'));
            config.append("    default_backend back\nbackend back\n");
            backend.forEach(line -> config.append("    ").append(line).append('\n'));
            return config.append("    server s1 ").append(upstream.getHost()).append(':').append(upstream.getPort()).append('\n')
                    .toString();
        }

    }
}
