package io.github.wschaos.testing;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real TLS server (Python's {@code ssl}, run as a child process) that finishes every handshake and closes at once
 * with the request unread: its kernel resets the connection right after the TLS 1.3 session tickets, as a TLS
 * terminator does whose backend is down. Its certificate, for {@code localhost}, is made for each instance. Needs
 * {@code /usr/bin/python3} (or the {@code wschaos.python} system property).
 */
public final class TlsResetAfterHandshakeServer implements AutoCloseable {

    private final Path dir;
    private final X509Bundle certificate;
    private final ScriptProcess process;

    private TlsResetAfterHandshakeServer() throws Exception {
        certificate = new CertificateBuilder().subject("CN=localhost").setIsCertificateAuthority(true)
                .addSanDnsName("localhost").buildSelfSigned();
        dir = Files.createTempDirectory("wschaos-tls-reset-");
        Path cert = Files.writeString(dir.resolve("cert.pem"), certificate.getCertificatePEM());
        Path key = Files.writeString(dir.resolve("key.pem"), certificate.getPrivateKeyPEM());
        process = ScriptProcess.start(List.of(python()), "tls-reset-after-handshake.py", Map.of("CERT", cert.toString(), "KEY", key.toString()), line -> { });
    }

    /** Starts the server and waits until it listens; without Python, skips the test (fails it in CI). */
    public static TlsResetAfterHandshakeServer start() {
        ScriptProcess.requirePython(python(), "ssl", "python3");
        try {
            return new TlsResetAfterHandshakeServer();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start python3: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException("Could not make the server's certificate: " + e.getMessage(), e);
        }
    }

    private static String python() {
        return System.getProperty("wschaos.python", "/usr/bin/python3");
    }

    /** {@code wss://localhost:<port>/}. */
    public URI uri() {
        return URI.create("wss://localhost:" + process.port() + "/");
    }

    /** Trusts the server's self-signed certificate. */
    public TrustManagerFactory trust() {
        return certificate.toTrustManagerFactory();
    }

    @Override
    public void close() throws IOException {
        process.close();
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(dir);
    }
}
