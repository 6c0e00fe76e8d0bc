package io.github.wschaos.cli;

import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThat;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.assertj.Backoff;
import io.github.wschaos.assertj.Tolerance;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.fault.Profiles;
import io.github.wschaos.fault.Target;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code wschaos demo}: an embedded echo server, the chaos proxy and a reconnecting client, run through the
 * failures teams meet in production; each step prints the timeline of attempts and a verdict checked with the
 * same assertions a test uses. Exits 0 when every verdict passes.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run an echo server, the proxy and a reconnecting client through a few real-world faults.")
final class DemoCommand implements Callable<Integer> {

    private static final Duration BASE = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofMillis(800);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private PrintWriter out;
    private int failed;

    @Override
    public Integer call() {
        out = spec.commandLine().getOut();
        try (DemoEchoServer server = new DemoEchoServer();
                ChaosProxy proxy = ChaosProxy.builder().upstream(server.uri()).timeScale(0.01).start()) {
            out.println("Echo server " + server.uri() + ", chaos proxy " + proxy.uri() + ", time scale 0.01 (1 s -> 10 ms)");
            out.println("The client reconnects with min(100ms x 2^n, 800ms), reset on open.");

            step(proxy, "1. Server restart: the server closes every connection with 1012",
                    () -> {
                        try (DemoClient client = client(proxy, null)) {
                            assertThat(proxy).within(WAIT).attempt(1).isUpgraded();
                            proxy.inject(Faults.closeWithCode(1012, "service restart"), Target.next(1));
                            assertThat(proxy).within(WAIT).reconnects().resumedTraffic();
                        }
                        assertThat(proxy).attempt(1).closedWithCode(1012);
                    });

            step(proxy, "2. Deploy behind a load balancer: the connection drops, then 503 for three attempts, then back",
                    () -> {
                        try (DemoClient client = client(proxy, null)) {
                            assertThat(proxy).within(WAIT).attempt(1).isUpgraded();
                            proxy.inject(Faults.respondWithStatus(503), Target.next(3));
                            proxy.inject(Faults.resetConnection(), Target.next(1));
                            // The JDK client takes tens of milliseconds to notice a failed handshake, and a first
                            // reconnect in a fresh JVM on a busy machine was seen 103 ms late: allow 150 ms.
                            assertThat(proxy).within(WAIT).hasAtLeastAttempts(5).reconnects().resumedTraffic()
                                    .withTolerance(new Tolerance(Duration.ofMillis(150), 0.25))
                                    .followBackoff(Backoff.exponential(BASE, 2.0).cappedAt(MAX));
                        }
                    });

            step(proxy, "3. Heroku router: 55 s without data closes the socket (550 ms here), no close frame",
                    () -> {
                        proxy.inject(Profiles.herokuRouter().get(0));
                        try (DemoClient client = client(proxy, null)) {
                            assertThat(proxy).within(WAIT).attempt(1).closedWithoutCloseFrame().wasHitBy("drop-idle");
                        }
                    });

            step(proxy, "4. The fix: a heartbeat every 30 s (300 ms here) keeps the Heroku connection open",
                    () -> {
                        proxy.inject(Profiles.herokuRouter().get(0));
                        try (DemoClient client = client(proxy, proxy.scaled(Duration.ofSeconds(30)))) {
                            assertThat(proxy).within(WAIT).attempt(1).isUpgraded();
                            org.awaitility.Awaitility.await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                                    .until(() -> proxy.recording().attempts() == 1 && !proxy.recording().attempt(1).isClosed());
                        }
                    });

            step(proxy, "5. nginx without proxy_http_version 1.1 / Upgrade headers: the server answers 426",
                    () -> {
                        proxy.inject(Faults.stripUpgradeHeaders());
                        try (DemoClient client = client(proxy, null)) {
                            assertThat(proxy).within(WAIT).hasAtLeastAttempts(3).attempt(1).wasRejectedWith(426);
                            assertThat(proxy).reconnects().hasNoStormFasterThan(Duration.ofMillis(80));
                        }
                    });
        }
        out.println(failed == 0 ? "Verdict: every step behaved as expected." : "Verdict: " + failed + " step(s) failed.");
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    private DemoClient client(ChaosProxy proxy, Duration heartbeat) {
        return new DemoClient(proxy.uri(), BASE, MAX, heartbeat, line -> { }).start();
    }

    private void step(ChaosProxy proxy, String title, Runnable scenario) {
        proxy.disarmAll();
        proxy.recording().clear();
        out.println();
        out.println(title);
        String verdict;
        try {
            scenario.run();
            verdict = "PASS";
        } catch (AssertionError e) {
            failed++;
            verdict = "FAIL" + System.lineSeparator() + e.getMessage();
        }
        proxy.disarmAll();
        out.println(proxy.recording().timeline());
        out.println("  -> " + verdict);
        out.flush();
    }
}
