package io.github.wschaos.testing;

import static org.awaitility.Awaitility.await;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real lighttpd (Debian's {@code /usr/sbin/lighttpd}) on 127.0.0.1 with TLS ({@code mod_openssl}) on a free port,
 * run in the foreground ({@code lighttpd -D -f DIR/lighttpd.conf}) with a generated configuration and a certificate
 * for {@code localhost} made for each instance, in a temporary directory. To plain HTTP on its TLS port it answers
 * nothing: it closes the connection. {@link #close()} stops the process and deletes the directory.
 *
 * <p>When lighttpd is not installed, {@link #startTls()} skips the test, except in CI ({@code CI=true}), where it
 * fails it.
 */
public final class LighttpdServer implements AutoCloseable {

    /** Where Debian installs lighttpd; the {@code wschaos.lighttpd} system property overrides it. */
    public static final String DEFAULT_BINARY = "/usr/sbin/lighttpd";

    /** Where Debian's {@code lighttpd-mod-openssl} puts the TLS module the default binary loads. */
    private static final String DEBIAN_TLS_MODULE = "/usr/lib/lighttpd/mod_openssl.so";

    private static final int PORT_ATTEMPTS = 5;

    private final Path dir;
    private final Process process;
    private final int port;

    private LighttpdServer(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    /** Starts lighttpd with TLS and waits until it listens. */
    public static LighttpdServer startTls() {
        Path binary = Path.of(System.getProperty("wschaos.lighttpd", DEFAULT_BINARY));
        if (!Files.isExecutable(binary)) {
            RequiredTool.missing("lighttpd is not installed at " + binary + " (apt-get install lighttpd, or set -Dwschaos.lighttpd)");
        }
        if (binary.equals(Path.of(DEFAULT_BINARY)) && !Files.exists(Path.of(DEBIAN_TLS_MODULE))) {
            RequiredTool.missing("lighttpd's TLS module is not installed at " + DEBIAN_TLS_MODULE
                    + " (apt-get install lighttpd-mod-openssl, which lighttpd only recommends)");
        }
        try {
            X509Bundle certificate = new CertificateBuilder().subject("CN=localhost").setIsCertificateAuthority(true)
                    .addSanDnsName("localhost").buildSelfSigned();
            Path dir = Files.createTempDirectory("wschaos-lighttpd-");
            Path pem = Files.writeString(dir.resolve("server.pem"), certificate.getCertificatePEM() + certificate.getPrivateKeyPEM());
            String output = "";
            for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
                int port = ScriptProcess.freeLoopbackPort();
                Path config = Files.writeString(dir.resolve("lighttpd.conf"), "server.document-root = \"" + dir + "\"\n"
                        + "server.bind = \"127.0.0.1\"\nserver.port = " + port + "\n"
                        + "server.modules = ( \"mod_openssl\" )\nssl.engine = \"enable\"\nssl.pemfile = \"" + pem + "\"\n");
                Path log = dir.resolve("output.log");
                Process process = new ProcessBuilder(binary.toString(), "-D", "-f", config.toString())
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
                await("lighttpd to listen on 127.0.0.1:" + port).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                        .until(() -> !process.isAlive() || ScriptProcess.acceptsOnLoopback(port));
                if (process.isAlive()) {
                    return new LighttpdServer(dir, process, port);
                }
                output = Files.readString(log, StandardCharsets.UTF_8);
                if (!output.contains("Address already in use")) {
                    break;
                }
            }
            throw new IllegalStateException("lighttpd did not start; its output:\n" + output);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start lighttpd: " + e, e);
        } catch (Exception e) {
            throw new IllegalStateException("Could not make lighttpd's certificate: " + e, e);
        }
    }

    /** {@code ws://127.0.0.1:<port><path>}: plain HTTP to the TLS port. */
    public URI plainUri(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    /** Stops lighttpd (SIGTERM, then SIGKILL after 5 s), waits for it and deletes its directory. */
    @Override
    public void close() {
        ScriptProcess.stop(process);
        ScriptProcess.deleteDirectory(dir);
    }
}
