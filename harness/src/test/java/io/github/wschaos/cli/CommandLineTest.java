package io.github.wschaos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.wschaos.fault.Direction;
import io.github.wschaos.fault.DropIdleConnections;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.fault.IdleTimer;
import io.github.wschaos.fault.TlsMismatch;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
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
        assertThat(FaultOption.parse("strip-upgrade-headers")).isEqualTo(Faults.stripUpgradeHeaders());
        assertThat(FaultOption.parse("drop-idle=60s:upstream"))
                .isEqualTo(new DropIdleConnections(Duration.ofSeconds(60), IdleTimer.UPSTREAM_DATA));
        assertThat(FaultOption.parse("tls-mismatch=expired-certificate"))
                .isEqualTo(Faults.forceTlsMismatch(TlsMismatch.EXPIRED_CERTIFICATE));
        assertThat(FaultOption.parse("reject-origins=https://a.example,https://b.example"))
                .isEqualTo(Faults.rejectOrigins("https://a.example", "https://b.example"));
        assertThat(FaultOption.parse("close-with-code=1001:going away")).isEqualTo(Faults.closeWithCode(1001, "going away"));
        assertThat(FaultOption.parse("delay-handshake=1.5s")).isEqualTo(Faults.delayHandshake(Duration.ofMillis(1500)));
        assertThat(FaultOption.parse("latency=100ms:20ms@upstream"))
                .isEqualTo(Faults.latency(Duration.ofMillis(100), Duration.ofMillis(20), Direction.UPSTREAM));
        assertThat(FaultOption.parse("limit-data=1000")).isEqualTo(Faults.limitData(1000, Direction.DOWNSTREAM));
        assertThat(FaultOption.parse("slicer=64:16:10ms@both"))
                .isEqualTo(Faults.slicer(64, 16, Duration.ofMillis(10), Direction.BOTH));
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

        assertThat(run().code).isEqualTo(2);
        assertThat(run("frobnicate").err).contains("frobnicate");
    }

    @Test
    void valuesAreCheckedPerFault() {
        assertThatThrownBy(() -> FaultOption.parse("refuse=now")).hasMessageContaining("takes no value");
        assertThatThrownBy(() -> FaultOption.parse("respond-with-status=abc")).hasMessageContaining("'abc'");
        assertThatThrownBy(() -> FaultOption.parse("half-open=sideways")).hasMessageContaining("upstream, downstream, both");
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
