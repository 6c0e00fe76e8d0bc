package io.github.wschaos.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.fault.Direction;
import io.github.wschaos.fault.Fault;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.fault.Target;
import io.github.wschaos.testing.HaproxyServer;
import io.github.wschaos.testing.JettyHttpServer;
import io.github.wschaos.testing.RawUpstream;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against a real haproxy (Debian's 2.6) in front of Jetty (a page for plain GETs, a WebSocket on {@code /ws}): rules
 * that refuse upgrades only, refuse one Origin, limit the request rate, and a {@code timeout server} in front of an
 * upstream that never answers; each diagnosed as what it is, with a reproduction that does what haproxy did.
 */
class HaproxyDiagnoseTest {

    private static JettyHttpServer jetty;

    @BeforeAll
    static void startBackend() throws Exception {
        jetty = JettyHttpServer.start();
    }

    @AfterAll
    static void stopBackend() throws Exception {
        jetty.close();
    }

    /** Each {@code --fault} value of the reproduction, parsed by the command line's own parser: [fault, target]. */
    private static List<Object[]> parsed(Reproduction reproduction) throws Exception {
        Method parse = Class.forName("io.github.wschaos.cli.FaultOption").getDeclaredMethod("parse", String.class);
        parse.setAccessible(true);
        return Arrays.stream(reproduction.cliFault().split(" --fault ")).map(value -> {
            try {
                Object spec = parse.invoke(null, value);
                return new Object[] {component(spec, "fault"), component(spec, "target")};
            } catch (ReflectiveOperationException e) {
                throw new AssertionError("--fault " + value + " does not parse: " + e.getCause(), e);
            }
        }).toList();
    }

    private static Object component(Object spec, String name) throws ReflectiveOperationException {
        Method accessor = spec.getClass().getDeclaredMethod(name);
        accessor.setAccessible(true);
        return accessor.invoke(spec);
    }

    @Test
    void upgradesDeniedWhilePlainHttpPassesAreReproducedForUpgradesOnly() throws Exception {
        try (HaproxyServer haproxy = HaproxyServer.builder(jetty.wsUri())
                .frontend("http-request deny if { req.hdr(upgrade) -i websocket }").start()) {
            DiagnosisReport report = Diagnostics.builder(haproxy.uri("/ws")).run();

            assertThat(report.cause()).as(report.toText()).contains(Cause.UPGRADES_REFUSED);
            assertThat(report.check("upgrade").evidence()).startsWith("HTTP/1.1 403 Forbidden")
                    .contains("a plain GET /ws (no Upgrade headers, new connection): HTTP/1.1 200 OK");
            Finding finding = report.diagnosis().orElseThrow();
            assertThat(finding.explanation()).contains("only WebSocket upgrades are refused");
            Reproduction reproduction = finding.reproduction();
            assertThat(reproduction.cliFault()).isEqualTo("respond-with-status@upgrades=403");
            assertThat(reproduction.annotation()).isEqualTo("@RespondWithStatus(value = 403, upgradesOnly = true)");
            Object[] spec = parsed(reproduction).get(0);
            assertThat(spec[0]).isEqualTo(Faults.respondWithStatus(403));
            assertThat(spec[1]).isEqualTo(Target.upgrades());
        }
    }

    @Test
    void aRateLimitOnAnOriginVariantIsAFindingNotAPass() throws Exception {
        try (HaproxyServer haproxy = HaproxyServer.builder(jetty.wsUri())
                .frontend("stick-table type ip size 1k expire 10s store http_req_rate(10s)")
                .frontend("http-request track-sc0 src")
                .frontend("http-request deny deny_status 429 hdr Retry-After 10 if { sc_http_req_rate(0) gt 2 }").start()) {
            // The upgrade with this Origin, then the variants without one and with the URL's own: the third is refused.
            DiagnosisReport report = Diagnostics.builder(haproxy.uri("/ws")).origin("https://app.example").run();

            assertThat(report.healthy()).as(report.toText()).isFalse();
            assertThat(report.exitCode()).isEqualTo(1);
            assertThat(report.check("Origin").status()).isEqualTo(CheckStatus.FAILED);
            assertThat(report.check("Origin").evidence()).contains("429 Too Many Requests");
            assertThat(report.cause()).contains(Cause.RATE_LIMITED);
            Finding finding = report.diagnosis().orElseThrow();
            assertThat(finding.explanation()).contains("Retry-After: 10").contains("handshake 3 of this run");
            assertThat(finding.reproduction().cliFault()).isEqualTo("respond-with-status=429;Retry-After: 10");
            assertThat(report.toText()).contains("--fault 'respond-with-status=429;Retry-After: 10'");
            assertThat(parsed(finding.reproduction()).get(0)[0])
                    .isEqualTo(Faults.respondWithStatus(429, java.util.Map.of("Retry-After", "10"), ""));
            assertThat(finding.reproduction().annotation()).isEqualTo("@RespondWithStatus(value = 429, headers = \"Retry-After: 10\")");
            assertThat(finding.reproduction().java()).isEqualTo("Faults.respondWithStatus(429, Map.of(\"Retry-After\", \"10\"), \"\")");
        }
    }

    @Test
    void anOriginDenyListIsNotReproducedAsAnExactAllowList() throws Exception {
        try (HaproxyServer haproxy = HaproxyServer.builder(jetty.wsUri())
                .frontend("http-request deny if { req.hdr(origin) -i https://evil.example }").start()) {
            DiagnosisReport report = Diagnostics.builder(haproxy.uri("/ws")).origin("https://evil.example").run();

            assertThat(report.cause()).as(report.toText()).contains(Cause.ORIGIN_NOT_ALLOWED);
            assertThat(report.check("Origin").evidence()).contains("https://evil.example: 403").contains("no Origin: 101");
            Finding finding = report.diagnosis().orElseThrow();
            String own = haproxy.uri("/").toString().replace("ws://", "http://").replaceAll("/$", "");
            assertThat(finding.explanation())
                    .contains("lets requests without an Origin through (a deny-list of origins")
                    .contains("the nearest reproduction, reject-origins=" + own)
                    .contains("also rejects handshakes without an Origin, which this server accepts");
            assertThat(finding.reproduction().cliFault()).isEqualTo("reject-origins=" + own);
            assertThat(finding.reproduction().annotation()).contains("nearest: it also rejects handshakes without an Origin");
        }
    }

    @Test
    void a504AfterTheProxysTimeoutIsReproducedWithItsDelay() throws Exception {
        try (RawUpstream silent = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.readToEnd();
                });
             HaproxyServer haproxy = HaproxyServer.builder(silent.uri()).backend("timeout server 2s").start()) {
            DiagnosisReport report = Diagnostics.builder(haproxy.uri("/chat")).run();

            assertThat(report.cause()).as(report.toText()).contains(Cause.UPSTREAM_TIMEOUT);
            assertThat(report.check("upgrade").evidence()).startsWith("HTTP/1.1 504 Gateway Time-out in 2");
            Finding finding = report.diagnosis().orElseThrow();
            assertThat(finding.explanation()).containsPattern("^504 from haproxy after 2\\.\\d s")
                    .contains("haproxy's timeout server");
            assertThat(finding.fix()).contains("raise timeout server").doesNotContain("connect() failed");
            assertThat(finding.reproduction().cliFault()).isEqualTo("delay-handshake=2s --fault respond-with-status=504");
            List<Object[]> faults = parsed(finding.reproduction());
            assertThat(faults).hasSize(2);
            assertThat((Fault) faults.get(0)[0]).isEqualTo(Faults.delayHandshake(Duration.ofSeconds(2)));
            assertThat((Fault) faults.get(1)[0]).isEqualTo(Faults.respondWithStatus(504));
            assertThat(report.toText()).contains("--fault delay-handshake=2s --fault respond-with-status=504")
                    .contains("JUnit: @DelayHandshake(\"2s\") @RespondWithStatus(504)")
                    .contains("proxy.inject(Faults.delayHandshake(Durations.parse(\"2s\"))); proxy.inject(Faults.respondWithStatus(504))");
            // The reproduction answers as late as haproxy did (the delay now holds a fault's own answer too).
            try (ChaosProxy proxy = ChaosProxy.start(haproxy.uri("/chat"))) {
                proxy.inject(Faults.delayHandshake(Duration.ofSeconds(2)));
                proxy.inject(Faults.respondWithStatus(504));
                DiagnosisReport reproduced = Diagnostics.builder(proxy.uri("/chat")).run();
                assertThat(reproduced.cause()).as(reproduced.toText()).contains(Cause.UPSTREAM_TIMEOUT);
            }
        }
    }
}
