package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.testing.JettyHttpServer;
import io.github.wschaos.testing.RequiredTool;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two TLS proxies' authorities in one bundle (a test suite that trusts every proxy it starts, a developer's
 * {@code --certificate-out} files appended to one): an OpenSSL client reaches both. Every authority had the same name,
 * and OpenSSL took the first of that name for the issuer: "certificate signature failure" (curl exit 35) for the other.
 */
class TlsAuthoritiesTest {

    @TempDir
    Path dir;

    @Test
    void curlTrustingABundleOfTwoAuthoritiesReachesBothProxies() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/curl"))) {
            RequiredTool.missing("curl is not installed at /usr/bin/curl (apt-get install curl)");
        }
        try (JettyHttpServer upstream = JettyHttpServer.start();
                ChaosProxy first = ChaosProxy.builder().upstream(upstream.wsUri()).tls().start();
                ChaosProxy second = ChaosProxy.builder().upstream(upstream.wsUri()).tls().start()) {
            Path bundle = dir.resolve("bundle.pem");
            Files.writeString(bundle, first.certificate().pem() + second.certificate().pem());
            assertThat(first.certificate().certificate().getSubjectX500Principal())
                    .isNotEqualTo(second.certificate().certificate().getSubjectX500Principal());

            for (ChaosProxy proxy : List.of(first, second)) {
                Process curl = new ProcessBuilder("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
                        "--cacert", bundle.toString(), "https://127.0.0.1:" + proxy.port() + "/page")
                        .redirectErrorStream(true).start();
                assertThat(curl.waitFor(10, TimeUnit.SECONDS)).isTrue();
                String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(curl.exitValue()).as(output).isZero();
                assertThat(output).as("the upstream's answer to a plain GET, through the TLS listener").isEqualTo("200");
            }
        }
    }

    /**
     * OpenSSL sends the alert that rejects a certificate unencrypted over TLS 1.3, which the JDK cannot read (it failed
     * with "Insufficient buffer remaining for AEAD cipher fragment (2)"); the record names the alert, as it does over
     * TLS 1.2, where the JDK reads it itself.
     */
    @Test
    void anOpenSslClientRejectingTheCertificateIsRecordedWithItsAlertOverTls13AsOverTls12() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/curl"))) {
            RequiredTool.missing("curl is not installed at /usr/bin/curl (apt-get install curl)");
        }
        try (JettyHttpServer upstream = JettyHttpServer.start();
                ChaosProxy proxy = ChaosProxy.builder().upstream(upstream.wsUri()).tls().start()) {
            List<List<String>> versions = List.of(List.of("--tlsv1.3"), List.of("--tlsv1.2", "--tls-max", "1.2"));
            for (int attempt = 1; attempt <= versions.size(); attempt++) {
                List<String> command = new ArrayList<>(List.of("curl", "-sS", "-o", "/dev/null", "--max-time", "5"));
                command.addAll(versions.get(attempt - 1));
                command.add("https://127.0.0.1:" + proxy.port() + "/page");
                Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
                assertThat(curl.waitFor(10, TimeUnit.SECONDS)).isTrue();
                String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(curl.exitValue()).as("curl rejects the proxy's own authority: %s", output).isEqualTo(60);

                int number = attempt;
                Awaitility.await().atMost(Duration.ofSeconds(5))
                        .until(() -> proxy.recording().attempts() >= number && proxy.recording().attempt(number).isClosed());
                ConnectionRecord record = proxy.recording().attempt(number);
                assertThat(record.outcome()).as("%s", versions.get(attempt - 1)).isEqualTo(Outcome.TLS_FAILED);
                assertThat(record.failure()).as("%s", versions.get(attempt - 1))
                        .startsWith("TLS handshake with the client failed: Received fatal alert: unknown_ca");
            }
            assertThat(proxy.recording().attempt(1).failure()).endsWith("(sent unencrypted, as OpenSSL sends it over TLS 1.3)");
        }
    }
}
