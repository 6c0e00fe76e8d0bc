package io.github.wschaos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


import io.github.wschaos.ChaosProxy;
import io.github.wschaos.fault.Direction;
import io.github.wschaos.fault.DropIdleConnections;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.fault.IdleCut;
import io.github.wschaos.fault.IdleTimer;
import io.github.wschaos.fault.Target;
import io.github.wschaos.fault.TlsMismatch;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The standalone command line: the demo's verdict, fault names, and usage errors with exit code 2. */
class CommandLineTest {

    @Test
    void theDemoRunsEveryStepAndPasses() {
        Result result = run("demo");
        assertThat(result.code).as(result.out).isZero();
        assertThat(result.out).contains("1. Server restart", "5. nginx without", "REJECTED 426",
                "Verdict: every step behaved as expected.").doesNotContain("FAIL");
    }

    @Test
    void faultNamesParseIntoTheCatalogue() {
        assertThat(FaultOption.names()).isEqualTo(String.join(", ", Faults.names())); // the names the recording notes
        assertThat(FaultOption.parse("strip-upgrade-headers").fault()).isEqualTo(Faults.stripUpgradeHeaders());
        assertThat(FaultOption.parse("drop-idle=60s:upstream").fault())
                .isEqualTo(new DropIdleConnections(Duration.ofSeconds(60), IdleTimer.UPSTREAM_DATA));
        assertThat(FaultOption.parse("tls-mismatch=expired-certificate").fault())
                .isEqualTo(Faults.forceTlsMismatch(TlsMismatch.EXPIRED_CERTIFICATE));
        assertThat(FaultOption.parse("reject-origins=https://a.example,https://b.example").fault())
                .isEqualTo(Faults.rejectOrigins("https://a.example", "https://b.example"));
        assertThat(FaultOption.parse("close-with-code=1001:going away").fault()).isEqualTo(Faults.closeWithCode(1001, "going away"));
        assertThat(FaultOption.parse("delay-handshake=1.5s").fault()).isEqualTo(Faults.delayHandshake(Duration.ofMillis(1500)));
        assertThat(FaultOption.parse("latency=100ms:20ms@upstream").fault())
                .isEqualTo(Faults.latency(Duration.ofMillis(100), Duration.ofMillis(20), Direction.UPSTREAM));
        assertThat(FaultOption.parse("limit-data=1000").fault()).isEqualTo(Faults.limitData(1000, Direction.DOWNSTREAM));
        assertThat(FaultOption.parse("slicer=64:16:10ms@both").fault())
                .isEqualTo(Faults.slicer(64, 16, Duration.ofMillis(10), Direction.BOTH));
        // Byte counts and rates are longs in the Java API, so they are here: 5 GB is a number, not a bad value.
        assertThat(FaultOption.parse("limit-data=5000000000@upstream").fault())
                .isEqualTo(Faults.limitData(5_000_000_000L, Direction.UPSTREAM));
        assertThatThrownBy(() -> FaultOption.parse("limit-data=5GB"))
                .hasMessage("fault 'limit-data' needs a whole number, e.g. limit-data=1000 (bytes), but got '5GB'");
        assertThatThrownBy(() -> FaultOption.parse("respond-with-status=5000000000"))
                .hasMessage("fault 'respond-with-status' value 5000000000 is out of range; accepted are whole numbers"
                        + " from -2147483648 to 2147483647, e.g. respond-with-status=503");
        assertThatThrownBy(() -> FaultOption.parse("close-with-code=abc:bye"))
                .hasMessage("fault 'close-with-code' needs a whole number, e.g. close-with-code=1012, but got 'abc'");
    }

    @Test
    void badFaultsAndBadListenAddressesExitWithTwoAndNameTheValue() {
        Result unknown = run("proxy", "--upstream", "ws://127.0.0.1:9", "--fault", "teleport");
        assertThat(unknown.code).isEqualTo(2);
        assertThat(unknown.err).contains("unknown fault 'teleport'", "strip-upgrade-headers", "drop-idle");

        Result badDuration = run("proxy", "--upstream", "ws://127.0.0.1:9", "--fault", "drop-idle=soon");
        assertThat(badDuration.code).isEqualTo(2);
        assertThat(badDuration.err).contains("duration 'soon'", "500ms, 2s");

        Result badScheme = run("proxy", "--upstream", "http://127.0.0.1:9");
        assertThat(badScheme.code).isEqualTo(2);
        assertThat(badScheme.err).contains("http://127.0.0.1:9", "ws://");

        Result badListen = run("proxy", "--upstream", "ws://127.0.0.1:9", "--listen", "nowhere");
        assertThat(badListen.code).isEqualTo(2);
        assertThat(badListen.err).contains("--listen 'nowhere'", "HOST:PORT");
        Result badApi = run("server", "--api", "127.0.0.1:http");
        assertThat(badApi.code).isEqualTo(2);
        assertThat(badApi.err).contains("--api '127.0.0.1:http' has no numeric port, e.g. 127.0.0.1:8474");
        assertThat(run("server", "--api", "8474").err).contains("--api '8474' is not HOST:PORT, e.g. 127.0.0.1:8474");

        Result badLimit = run("proxy", "--upstream", "ws://127.0.0.1:9", "--recording-limit", "-1");
        assertThat(badLimit.code).isEqualTo(2);
        assertThat(badLimit.err).contains("recording limit -1 is negative; accepted are 0 (keep only open connections) and more");
        Result badHeadLimit = run("proxy", "--upstream", "ws://127.0.0.1:9", "--max-upstream-header-size", "100");
        assertThat(badHeadLimit.code).isEqualTo(2);
        assertThat(badHeadLimit.err).contains("max upstream header size 100 is out of range; accepted are 1024 to 65536");
        Result badServerLimit = run("server", "--api", "127.0.0.1:0", "--recording-limit", "-5");
        assertThat(badServerLimit.code).isEqualTo(2);
        assertThat(badServerLimit.err).contains("recording limit -5 is negative");

        assertThat(run().code).isEqualTo(2);
        assertThat(run("frobnicate").err).contains("frobnicate");
    }

    @Test
    void aTargetOnTheNameHitsOnlyUpgradeRequests() {
        assertThat(FaultOption.parse("blackhole@upgrades")).isEqualTo(new FaultSpec(Faults.blackhole(), Target.upgrades()));
        assertThat(FaultOption.parse("refuse@upgrades")).isEqualTo(new FaultSpec(Faults.refuseConnections(), Target.upgrades()));
        assertThat(FaultOption.parse("respond-with-status@upgrades=403"))
                .isEqualTo(new FaultSpec(Faults.respondWithStatus(403), Target.upgrades()));
        assertThat(FaultOption.parse("Blackhole@Upgrades").target()).isEqualTo(Target.upgrades());
        assertThat(FaultOption.parse("blackhole")).isEqualTo(new FaultSpec(Faults.blackhole(), Target.all()));
        // After the value '@' stays a toxic's direction.
        assertThat(FaultOption.parse("latency=100ms@upstream"))
                .isEqualTo(new FaultSpec(Faults.latency(Duration.ofMillis(100), Direction.UPSTREAM), Target.all()));
        assertThat(FaultOption.parse("blackhole@upgrades")).hasToString("blackhole@upgrades");
    }

    @Test
    void badTargetsNameTheValueAndWhatIsAccepted() {
        assertThatThrownBy(() -> FaultOption.parse("blackhole@sideways"))
                .hasMessage("fault 'blackhole' target 'sideways' is not one of [upgrades], e.g. blackhole@upgrades");
        assertThatThrownBy(() -> FaultOption.parse("respond-with-status=403@upgrades"))
                .hasMessageContaining("'@upgrades' goes on the name, before '=': respond-with-status@upgrades=403");
        assertThatThrownBy(() -> FaultOption.parse("latency=100ms@upgrades"))
                .hasMessageContaining("latency@upgrades=100ms").hasMessageContaining("@upstream, @downstream, @both");
        assertThatThrownBy(() -> FaultOption.parse("blackhole=@upgrades"))
                .hasMessageStartingWith("fault 'blackhole': '@upgrades' goes on the name, before '=': blackhole@upgrades (after");
        assertThatThrownBy(() -> FaultOption.parse("teleport@upgrades")).hasMessageContaining("unknown fault 'teleport'");
        assertThat(FaultOption.parse("drop-idle=4m:reset").fault())
                .isEqualTo(Faults.dropIdleConnections(Duration.ofMinutes(4), IdleTimer.ANY_DATA, IdleCut.RESET));
        assertThat(FaultOption.parse("drop-idle=30s:going-away").fault())
                .isEqualTo(Faults.dropIdleConnections(Duration.ofSeconds(30), IdleTimer.ANY_DATA, IdleCut.GOING_AWAY));
        // The Toxiproxy API's spelling is taken too: one parser reads both.
        assertThat(FaultOption.parse("drop-idle=30s:Going_Away").fault())
                .isEqualTo(Faults.dropIdleConnections(Duration.ofSeconds(30), IdleTimer.ANY_DATA, IdleCut.GOING_AWAY));
        assertThat(FaultOption.parse("close-with-code=1001@3s:idle timeout").fault())
                .isEqualTo(Faults.closeWithCode(1001, "idle timeout", Duration.ofSeconds(3)));
        assertThat(FaultOption.parse("close-with-code=1012@500ms").fault())
                .isEqualTo(Faults.closeWithCode(1012, "", Duration.ofMillis(500)));
        assertThatThrownBy(() -> FaultOption.parse("close-with-code=1001@soon:bye"))
                .hasMessageContaining("soon");
        assertThat(FaultOption.parse("drop-idle=60s:upstream:reset").fault())
                .isEqualTo(Faults.dropIdleConnections(Duration.ofSeconds(60), IdleTimer.UPSTREAM_DATA, IdleCut.RESET));
        assertThat(FaultOption.parse("respond-with-status=503;Retry-After: 5;X-Reason:maintenance").fault())
                .isEqualTo(Faults.respondWithStatus(503, java.util.Map.of("Retry-After", "5", "X-Reason", "maintenance"), ""));
        assertThatThrownBy(() -> FaultOption.parse("respond-with-status=503;Retry-After 5"))
                .hasMessageContaining("respond-with-status header 'Retry-After 5' is not 'Name: value'");
        assertThatThrownBy(() -> FaultOption.parse("drop-idle=55s:upstream:client"))
                .hasMessage("drop-idle=55s:upstream:client names the traffic that counts twice; give one, e.g."
                        + " drop-idle=60s:upstream:reset");
        assertThatThrownBy(() -> FaultOption.parse("drop-idle=60s:rst"))
                .hasMessageContaining("drop-idle option 'rst' is not one of any, upstream, client");
        assertThatThrownBy(() -> FaultOption.parse("latency@downstream=2s"))
                .hasMessage("fault 'latency': a direction does not go on the name: latency=2s@downstream"
                        + " (on the name, '@' is a target: @upgrades)");
        assertThatThrownBy(() -> FaultOption.parse("drop-idle@upstream=2s")).hasMessageContaining("drop-idle=2s:upstream");
        assertThatThrownBy(() -> FaultOption.parse("swallow-pings@downstream")).hasMessageContaining("swallow-pings=downstream");

        Result badTarget = run("proxy", "--upstream", "ws://127.0.0.1:9", "--fault", "refuse@everything");
        assertThat(badTarget.code).isEqualTo(2);
        assertThat(badTarget.err).contains("--fault refuse@everything: fault 'refuse' target 'everything' is not one of [upgrades]");
    }

    /** A fault that acts before the request is read cannot hit only upgrades: the Java API's message, exit 2. */
    @Test
    void aFaultThatCannotBeTargetedAtUpgradesGivesTheJavaApisMessage() {
        String javaApi;
        try (ChaosProxy proxy = ChaosProxy.builder().upstream("ws://127.0.0.1:9").start()) {
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                    () -> proxy.inject(Faults.latency(Duration.ofMillis(100), Direction.DOWNSTREAM), Target.upgrades()));
            assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
            javaApi = thrown.getMessage();
        }
        assertThat(javaApi).contains("target 'upgrades'", "blackhole, refuse");
        for (String spec : new String[] {"latency@upgrades=100ms", "tls-mismatch@upgrades=plain-listener"}) {
            Result result = run("proxy", "--upstream", "ws://127.0.0.1:9", "--fault", spec);
            assertThat(result.code).as(result.err).isEqualTo(2);
            assertThat(result.err).as(result.err).contains("--fault " + spec + ": target 'upgrades' needs to know whether the request")
                    .contains("before any request is read").doesNotContain("listening");
        }
        Result latency = run("proxy", "--upstream", "ws://127.0.0.1:9", "--fault", "latency@upgrades=100ms");
        assertThat(latency.err).contains("--fault latency@upgrades=100ms: " + javaApi);
    }

    @Test
    void aTlsModeWithoutTlsNamesItsFaultAndOpensNoPort() {
        Result result = run("proxy", "--upstream", "ws://127.0.0.1:9", "--fault", "tls-mismatch=expired-certificate");
        assertThat(result.code).as(result.err).isEqualTo(2);
        assertThat(result.err).contains("--fault tls-mismatch=expired-certificate: TLS mismatch EXPIRED_CERTIFICATE changes"
                + " the certificate of a TLS listener").contains("--tls").doesNotContain("listening");
    }

    @Test
    void badTlsOptionsExitWithTwoAndNameTheValue(@TempDir Path dir) throws Exception {
        Result withoutTls = run("proxy", "--upstream", "ws://127.0.0.1:9", "--certificate-out", dir.resolve("ca.pem").toString());
        assertThat(withoutTls.code).isEqualTo(2);
        assertThat(withoutTls.err).contains("--certificate-out " + dir.resolve("ca.pem") + " needs --tls");

        Result hostWithoutTls = run("proxy", "--upstream", "ws://127.0.0.1:9", "--tls-host", "chat.test");
        assertThat(hostWithoutTls.code).isEqualTo(2);
        assertThat(hostWithoutTls.err).contains("--tls-host chat.test needs --tls");
        Result badHost = run("proxy", "--upstream", "ws://127.0.0.1:9", "--tls", "--tls-host", "chat test");
        assertThat(badHost.code).isEqualTo(2);
        assertThat(badHost.err).contains("--tls-host chat test: TLS host name 'chat test' is neither a DNS name nor an IP address");
        Result badServerHost = run("server", "--api", "127.0.0.1:0", "--tls-host", "a/b");
        assertThat(badServerHost.code).isEqualTo(2);
        assertThat(badServerHost.err).contains("TLS host name 'a/b' is neither a DNS name nor an IP address");

        Path pem = Files.writeString(dir.resolve("upstream.pem"), "-----BEGIN CERTIFICATE-----");
        Result plainUpstream = run("proxy", "--upstream", "ws://127.0.0.1:9", "--upstream-ca", pem.toString());
        assertThat(plainUpstream.code).isEqualTo(2);
        assertThat(plainUpstream.err).contains("--upstream-ca " + pem + " is for a wss:// upstream", "ws://127.0.0.1:9");

        Result missing = run("proxy", "--upstream", "wss://127.0.0.1:9", "--upstream-ca", dir.resolve("none.pem").toString());
        assertThat(missing.code).isEqualTo(2);
        assertThat(missing.err).contains("--upstream-ca " + dir.resolve("none.pem") + " cannot be read", "NoSuchFileException");

        Path notPem = Files.writeString(dir.resolve("key.txt"), "not a certificate");
        Result garbage = run("proxy", "--upstream", "wss://127.0.0.1:9", "--upstream-ca", notPem.toString());
        assertThat(garbage.code).isEqualTo(2);
        assertThat(garbage.err).contains("--upstream-ca " + notPem + " is not a PEM certificate (-----BEGIN CERTIFICATE",
                "got \"not a certificate\"");

        Path der = Files.write(dir.resolve("ca.der"), new byte[] {0x30, (byte) 0x82, 0x01, (byte) 0xf3, (byte) 0xa0, 0x03});
        Result binary = run("proxy", "--upstream", "wss://127.0.0.1:9", "--upstream-ca", der.toString());
        assertThat(binary.code).isEqualTo(2);
        assertThat(binary.err).contains("--upstream-ca " + der + " is not PEM text", "DER certificate or a PKCS#12",
                "openssl x509 -inform der -in " + der);
    }

    @Test
    void aPasswordInTheUpstreamUriIsNotPrinted() {
        assertThat(io.github.wschaos.internal.Upstream.display(java.net.URI.create("ws://alice:s3cret@127.0.0.1:9/chat")))
                .isEqualTo("ws://alice:***@127.0.0.1:9/chat");
        assertThat(io.github.wschaos.internal.Upstream.display(java.net.URI.create("ws://127.0.0.1:9/chat")))
                .isEqualTo("ws://127.0.0.1:9/chat");
        try (ChaosProxy proxy = ChaosProxy.builder().upstream("ws://alice:s3cret@127.0.0.1:9/chat").start()) {
            assertThat(proxy.toString()).contains("alice:***@").doesNotContain("s3cret");
        }
    }

    @Test
    void valuesAreCheckedPerFault() {
        assertThatThrownBy(() -> FaultOption.parse("refuse=now")).hasMessageContaining("takes no value");
        assertThatThrownBy(() -> FaultOption.parse("respond-with-status=abc")).hasMessageContaining("'abc'");
        assertThatThrownBy(() -> FaultOption.parse("half-open=sideways")).hasMessageContaining("upstream, downstream, both");
        // Zero needs no unit, as in Toxiproxy's "timeout 0: never"; a negative value is named as such.
        assertThat(FaultOption.parse("timeout=0").fault()).isEqualTo(Faults.timeout(Duration.ZERO, Direction.DOWNSTREAM));
        assertThatThrownBy(() -> FaultOption.parse("drop-idle=0")).hasMessageContaining("idle timeout 0s must be positive");
        assertThatThrownBy(() -> FaultOption.parse("drop-idle=-1s")).hasMessageContaining("duration '-1s' is negative");
        assertThatThrownBy(() -> FaultOption.parse("drop-idle=5")).hasMessageContaining("duration '5' is not understood");
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int code = commandLine.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private record Result(int code, String out, String err) {
    }
}
