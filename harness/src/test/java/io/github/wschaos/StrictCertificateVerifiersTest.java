package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.fault.Faults;
import io.github.wschaos.fault.TlsMismatch;
import io.github.wschaos.testing.NettyEchoServer;
import io.github.wschaos.testing.RequiredTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A verifier that checks certificates strictly (OpenSSL's {@code X509_V_FLAG_X509_STRICT}, which Python 3.13 sets in
 * {@code ssl.create_default_context()}) trusts the TLS listener's certificate, and the certificate flaws of
 * {@code tls-mismatch} fail with their own error there too. The authority lacked a Subject Key Identifier and a
 * {@code keyUsage}, and the leaf an Authority Key Identifier: such a client refused every certificate with "Missing
 * Authority Key Identifier".
 */
class StrictCertificateVerifiersTest {

    private static final String PYTHON = System.getProperty("wschaos.python", "/usr/bin/python3");

    /** Connects with a strict default context and prints {@code verified} or the verifier's message. */
    private static final String CLIENT = String.join("\n",
            "import socket, ssl, sys",
            "context = ssl.create_default_context(cafile=sys.argv[1])",
            "context.verify_flags |= ssl.VERIFY_X509_STRICT",
            "try:",
            "    with socket.create_connection(('127.0.0.1', int(sys.argv[3])), timeout=5) as raw:",
            "        with context.wrap_socket(raw, server_hostname=sys.argv[2]):",
            "            print('verified')",
            "except ssl.SSLCertVerificationError as e:",
            "    print('rejected: ' + e.verify_message)");

    @TempDir
    Path dir;

    @Test
    void aStrictVerifierTrustsTheListenerForEveryLoopbackName() throws Exception {
        try (NettyEchoServer upstream = NettyEchoServer.start();
                ChaosProxy proxy = ChaosProxy.builder().upstream(upstream.uri()).tls().start()) {
            Path authority = dir.resolve("authority.pem");
            Files.writeString(authority, proxy.certificate().pem());
            assertThat(strictClient(authority, "localhost", proxy.port())).isEqualTo("verified");
            assertThat(strictClient(authority, "127.0.0.1", proxy.port())).isEqualTo("verified");
            assertThat(strictClient(authority, "::1", proxy.port())).isEqualTo("verified");
        }
    }

    @Test
    void aStrictVerifierSeesEachFlawOfTheMismatchModesAndNothingElse() throws Exception {
        try (NettyEchoServer upstream = NettyEchoServer.start();
                ChaosProxy proxy = ChaosProxy.builder().upstream(upstream.uri()).tls().start()) {
            Path authority = dir.resolve("authority.pem");
            Files.writeString(authority, proxy.certificate().pem());
            try (var fault = proxy.inject(Faults.forceTlsMismatch(TlsMismatch.EXPIRED_CERTIFICATE))) {
                assertThat(strictClient(authority, "localhost", proxy.port())).isEqualTo("rejected: certificate has expired");
            }
            try (var fault = proxy.inject(Faults.forceTlsMismatch(TlsMismatch.WRONG_HOST_CERTIFICATE))) {
                assertThat(strictClient(authority, "localhost", proxy.port()))
                        .isEqualTo("rejected: Hostname mismatch, certificate is not valid for 'localhost'.");
            }
            try (var fault = proxy.inject(Faults.forceTlsMismatch(TlsMismatch.UNTRUSTED_CERTIFICATE))) {
                // OpenSSL 3's wording; 1.1 says "self signed certificate"
                assertThat(strictClient(authority, "localhost", proxy.port())).isIn("rejected: self-signed certificate",
                        "rejected: self signed certificate");
            }
        }
    }

    private static String strictClient(Path authority, String host, int port) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            RequiredTool.missing(PYTHON + " is not installed (apt-get install python3, or set -Dwschaos.python)");
        }
        Process python = new ProcessBuilder(PYTHON, "-c", CLIENT, authority.toString(), host, String.valueOf(port))
                .redirectErrorStream(true).start();
        if (!python.waitFor(20, TimeUnit.SECONDS)) {
            python.destroyForcibly();
            throw new AssertionError("python did not finish within 20 s");
        }
        return new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }
}
