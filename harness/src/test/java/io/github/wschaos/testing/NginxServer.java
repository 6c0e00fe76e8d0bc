package io.github.wschaos.testing;

import static org.awaitility.Awaitility.await;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A real nginx (Debian's {@code /usr/sbin/nginx}) as a reverse proxy on 127.0.0.1 in front of a given upstream, run
 * as a child process ({@code nginx -p DIR -c DIR/nginx.conf -g 'daemon off;'}) with a generated configuration in a
 * temporary prefix directory: one worker, its error log, pid file and temp paths inside that directory, on a free
 * port. {@link #close()} stops the process, waits for it and deletes the directory.
 *
 * <p>Knobs: with or without the WebSocket upgrade configuration, {@code proxy_read_timeout}, and an {@code ssl}
 * listener with a throwaway self-signed certificate written (with its key) to the temporary directory.
 *
 * <p>When nginx is not installed, {@link Builder#start()} skips the test (a failed assumption), except in CI
 * (environment {@code CI=true}), where it fails it: CI installs nginx, so a missing one is a broken build.
 */
public final class NginxServer implements AutoCloseable {

    /** Where Debian installs nginx; the {@code wschaos.nginx} system property overrides it. */
    public static final String DEFAULT_BINARY = "/usr/sbin/nginx";

    private static final int PORT_ATTEMPTS = 5;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final String STARTED = "start worker processes";

    private final Path dir;
    private final Process process;
    private final int port;
    private final boolean ssl;

    private NginxServer(Path dir, Process process, int port, boolean ssl) {
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.ssl = ssl;
    }

    /** A builder for an nginx proxying to {@code upstream} ({@code ws://host:port/...}; only host and port are used). */
    public static Builder builder(URI upstream) {
        return new Builder(upstream);
    }

    /** {@code ws://127.0.0.1:<port>/<path>}, or {@code wss://} with an {@code ssl} listener. */
    public URI uri(String path) {
        return URI.create((ssl ? "wss" : "ws") + "://127.0.0.1:" + port + path);
    }

    /** The listening address. */
    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** The process id of nginx's one worker. */
    public long workerPid() {
        return process.children().findFirst()
                .orElseThrow(() -> new IllegalStateException("nginx has no worker process")).pid();
    }

    /** Stops nginx (SIGTERM, then SIGKILL after 5 s), waits for it and deletes its directory. */
    @Override
    public void close() {
        ScriptProcess.stop(process);
        ScriptProcess.deleteDirectory(dir);
    }

    @Override
    public String toString() {
        return "nginx on " + uri("/") + " (" + dir + ")";
    }

    /** The nginx binary, or a skipped (locally) or failed (in CI) test if there is none. */
    static Path binary() {
        Path binary = Path.of(System.getProperty("wschaos.nginx", DEFAULT_BINARY));
        if (!Files.isExecutable(binary)) {
            String message = "nginx is not installed at " + binary + " (apt-get install nginx, or set -Dwschaos.nginx)";
            RequiredTool.missing(message);
        }
        return binary;
    }

    /** Settings of an nginx to start; {@link #start()} starts it. */
    public static final class Builder {

        private final URI upstream;
        private boolean upgrade = true;
        private Duration readTimeout;
        private boolean ssl;
        private boolean outdatedTls;
        private boolean workerAsRoot;
        private boolean upstreamKeepalive;
        private String serverDirectives = "";

        private Builder(URI upstream) {
            this.upstream = upstream;
        }

        /**
         * Without the WebSocket configuration: a bare {@code proxy_pass}, so nginx sends the upstream an HTTP/1.0
         * request without {@code Upgrade} (the default is with {@code proxy_http_version 1.1} and the
         * {@code Upgrade}/{@code Connection "upgrade"} headers).
         */
        public Builder withoutUpgrade() {
            this.upgrade = false;
            return this;
        }

        /**
         * Keeps idle upstream connections for later requests ({@code keepalive} in an {@code upstream} block), with
         * the {@code Connection} header mapped from {@code Upgrade} as nginx's documentation shows: plain requests are
         * sent with an empty {@code Connection}, so their upstream connection is kept, and a WebSocket upgrade may go
         * out over a connection that carried plain requests before.
         */
        public Builder upstreamKeepalive() {
            this.upstreamKeepalive = true;
            return this;
        }

        /**
         * Directives added to the {@code server} block, before its {@code location /}: {@code ssl_ciphers ...;}, or a
         * {@code location /chat { return 200 "app"; }} that answers a path itself, as a single-page app's nginx does.
         */
        public Builder serverDirectives(String directives) {
            this.serverDirectives = directives;
            return this;
        }

        /** {@code proxy_read_timeout}, in whole milliseconds (nginx's default is 60 s). */
        public Builder proxyReadTimeout(Duration timeout) {
            this.readTimeout = timeout;
            return this;
        }

        /**
         * When the tests run as root, the worker runs as root too ({@code user root;}) instead of nginx's default
         * {@code nobody}, so that the tests may change it (lower its open-files limit with {@code prlimit}, say).
         * Otherwise the worker runs as the tests' user anyway.
         */
        public Builder workerAsTestUser() {
            this.workerAsRoot = "root".equals(System.getProperty("user.name"));
            return this;
        }

        /** An {@code ssl} listener with a self-signed certificate for 127.0.0.1 and localhost. */
        public Builder ssl() {
            this.ssl = true;
            return this;
        }

        /**
         * An {@code ssl} listener that speaks only TLS 1.0 and 1.1 ({@code ssl_protocols TLSv1 TLSv1.1}), as an
         * outdated server does; {@code @SECLEVEL=0} lets OpenSSL 3 sign with SHA-1 as such a server did, where it
         * would otherwise end the handshake itself with an {@code internal_error} alert.
         */
        public Builder outdatedTls() {
            this.ssl = true;
            this.outdatedTls = true;
            return this;
        }

        /**
         * Starts nginx and waits until it listens; retries on another port if the chosen one was taken meanwhile.
         *
         * @throws IllegalStateException if nginx does not start; the message holds its error log
         */
        public NginxServer start() {
            Path binary = binary();
            try {
                Path dir = Files.createTempDirectory("wschaos-nginx-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
                if (ssl) {
                    writeCertificate(dir);
                }
                String lastLog = "";
                for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
                    int port = ScriptProcess.freeLoopbackPort();
                    Files.writeString(dir.resolve("nginx.conf"), config(dir, port));
                    Path log = dir.resolve("error.log");
                    Files.deleteIfExists(log);
                    Process process = new ProcessBuilder(binary.toString(), "-p", dir + "/", "-c", dir + "/nginx.conf",
                            "-e", log.toString(), "-g", "daemon off;")
                            .redirectErrorStream(true)
                            .redirectOutput(dir.resolve("stdout.log").toFile())
                            .start();
                    if (awaitStarted(process, log, port)) {
                        return new NginxServer(dir, process, port, ssl);
                    }
                    ScriptProcess.stop(process);
                    lastLog = read(log) + read(dir.resolve("stdout.log"));
                    if (!lastLog.contains("Address already in use")) {
                        break;
                    }
                }
                ScriptProcess.deleteDirectory(dir);
                throw new IllegalStateException("nginx did not start; its log:\n" + lastLog);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start nginx: " + e, e);
            }
        }

        private String config(Path dir, int port) {
            String server = upstream.getHost() + ":" + upstream.getPort();
            StringBuilder location = new StringBuilder("      proxy_pass http://"
                    + (upstreamKeepalive ? "backend" : server) + ";\n");
            if (upgrade) {
                location.append("      proxy_http_version 1.1;\n")
                        .append("      proxy_set_header Upgrade $http_upgrade;\n")
                        .append("      proxy_set_header Connection ")
                        .append(upstreamKeepalive ? "$connection_upgrade" : "\"upgrade\"").append(";\n");
            }
            String pool = upstreamKeepalive
                    ? "  map $http_upgrade $connection_upgrade { default upgrade; '' ''; }\n"
                            + "  upstream backend { server " + server + "; keepalive 4; }\n"
                    : "";
            if (readTimeout != null) {
                location.append("      proxy_read_timeout ").append(readTimeout.toMillis()).append("ms;\n");
            }
            String listen = "    listen 127.0.0.1:" + port + (ssl ? " ssl;\n"
                    + "    ssl_certificate " + dir.resolve("cert.pem") + ";\n"
                    + "    ssl_certificate_key " + dir.resolve("key.pem") + ";\n"
                    + (outdatedTls ? "    ssl_protocols TLSv1 TLSv1.1;\n    ssl_ciphers DEFAULT:@SECLEVEL=0;\n" : "")
                    : ";\n");
            return (workerAsRoot ? "user root;\n" : "")
                    + "worker_processes 1;\n"
                    + "pid " + dir.resolve("nginx.pid") + ";\n"
                    + "error_log " + dir.resolve("error.log") + " notice;\n"
                    + "events { worker_connections 256; }\n"
                    + "http {\n"
                    + "  access_log off;\n"
                    + "  client_body_temp_path " + dir.resolve("body") + ";\n"
                    + "  proxy_temp_path " + dir.resolve("proxy") + ";\n"
                    + "  fastcgi_temp_path " + dir.resolve("fastcgi") + ";\n"
                    + "  uwsgi_temp_path " + dir.resolve("uwsgi") + ";\n"
                    + "  scgi_temp_path " + dir.resolve("scgi") + ";\n"
                    + pool
                    + "  server {\n"
                    + listen
                    + (serverDirectives.isEmpty() ? "" : "    " + serverDirectives + "\n")
                    + "    location / {\n"
                    + location
                    + "    }\n"
                    + "  }\n"
                    + "}\n";
        }

        private static void writeCertificate(Path dir) throws IOException {
            Instant now = Instant.now();
            X509Bundle bundle;
            try {
                bundle = new CertificateBuilder()
                        .subject("CN=localhost, O=wschaos nginx test")
                        .setIsCertificateAuthority(true)
                        .notBefore(now.minus(1, ChronoUnit.HOURS))
                        .notAfter(now.plus(1, ChronoUnit.DAYS))
                        .addSanDnsName("localhost")
                        .addSanIpAddress("127.0.0.1")
                        .addExtendedKeyUsageServerAuth()
                        .ecp256()
                        .buildSelfSigned();
            } catch (Exception e) {
                throw new IllegalStateException("Could not generate nginx's certificate: " + e, e);
            }
            Files.writeString(dir.resolve("cert.pem"), bundle.getCertificatePEM());
            // Read by the master process only (before it drops privileges), so owner-only is enough.
            Files.writeString(dir.resolve("key.pem"), bundle.getPrivateKeyPEM());
            Files.setPosixFilePermissions(dir.resolve("key.pem"), PosixFilePermissions.fromString("rw-------"));
        }

        /** True once nginx has bound its port and started its worker; false if it exited first. */
        private static boolean awaitStarted(Process process, Path log, int port) {
            await("nginx to listen on 127.0.0.1:" + port).atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(20))
                    .until(() -> !process.isAlive() || (read(log).contains(STARTED) && ScriptProcess.acceptsOnLoopback(port)));
            return process.isAlive();
        }

        private static String read(Path file) {
            try {
                return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                return "";
            }
        }
    }
}
