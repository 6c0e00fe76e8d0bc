package io.github.wschaos.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.testing.RawUpstream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An idle connection cut behind Apache httpd 2.4.71 (mod_proxy_http with upgrade=websocket), which cuts an upgraded
 * connection at the larger of Timeout and ProxyTimeout (measured on Debian's apache2: Timeout 2 cut it at 2.0 s,
 * Timeout 2 with ProxyTimeout 5 at about 5 s, ProxyTimeout 2 with Timeout 60 not within 8 s): the verdict names
 * Apache's settings, whether Apache shows in the 101's Via (ProxyVia on) or only in a plain answer's Server header.
 */
class ApacheIdleTest {

    /** Apache's plain answer relayed from an upstream that sent no Server header: Apache adds its own. */
    private static final String APACHE_200 = "HTTP/1.1 200 OK\r\nDate: Mon, 07 Dec 2026 23:19:17 GMT\r\n"
            + "Server: Apache/2.4.71 (Debian) OpenSSL/3.0.19\r\nContent-Length: 2\r\n\r\nok";

    /** Upgrades with {@code extraHeaders} on the 101, then closes (FIN, no close frame) after a second without data. */
    private static DiagnosisReport cutAfterASecond(String extraHeaders) throws Exception {
        try (RawUpstream server = RawUpstream.start(connection -> {
            String head = connection.readHead();
            if (head == null) {
                return;
            }
            if (!head.contains("Upgrade: websocket")) {
                connection.write(RawUpstream.ascii(APACHE_200));
                connection.readHead(Duration.ofSeconds(1));
                return;
            }
            connection.write(RawServerSide.switchingProtocols(head, extraHeaders));
            long end = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < end) {
                int first = connection.readByte(Duration.ofNanos(Math.max(1_000_000, end - System.nanoTime())));
                if (first < 0) {
                    break;
                }
                // A ping (the ping step's, or the pinged idle connection's): answer it as the upstream would.
                byte[] rest = connection.readBytes(1);
                int length = rest[0] & 0x7f;
                byte[] mask = connection.readBytes(4);
                byte[] payload = connection.readBytes(length);
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i % 4];
                }
                if ((first & 0x0f) == 0x9) {
                    connection.write(RawServerSide.frame(true, 0xA, payload));
                    end = System.nanoTime() + 1_000_000_000L; // idle counts from the last frame, as Apache's timer does
                } else if ((first & 0x0f) == 0x8) {
                    connection.write(RawServerSide.frame(true, 0x8, payload));
                    return;
                }
            }
        })) {
            return Diagnostics.builder(server.uri().resolve("/chat")).idle(Duration.ofSeconds(3)).run();
        }
    }

    private static void assertApacheIdleFix(DiagnosisReport report) {
        assertThat(report.cause()).as(report.toText()).contains(Cause.IDLE_TIMEOUT);
        Finding finding = report.diagnosis().orElseThrow();
        assertThat(finding.explanation()).contains("Apache's Timeout or ProxyTimeout, whichever is larger");
        assertThat(finding.fix()).contains("larger of Timeout and ProxyTimeout").contains("Timeout 3600\nProxyTimeout 3600");
    }

    @Test
    void viaNamingApacheOnThe101GivesApachesTimeouts() throws Exception {
        assertApacheIdleFix(cutAfterASecond("Via: 1.1 localhost:43249 (Apache/2.4.71)\r\n"));
    }

    @Test
    void aPlainAnswersServerHeaderNamesApacheWhenThe101DoesNot() throws Exception {
        DiagnosisReport report = cutAfterASecond("");

        assertApacheIdleFix(report);
        assertThat(report.check("idle").evidence()).contains("a plain GET /chat").contains("Server: Apache/2.4.71");
    }
}
