package io.github.wschaos.examples.failures;

import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.examples.support.AppServer;
import io.github.wschaos.examples.support.JdkClient;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Example 7: the handshake takes longer than the client waits.
 *
 * <p><b>Symptom.</b> Now and then, mostly after a deploy or a quiet night, the first connection fails with
 * {@code java.net.http.HttpTimeoutException}; retrying a little later works.
 *
 * <p><b>Cause.</b> The server answers the upgrade late: a cold start (a container or function scaled to zero, a
 * JIT-cold JVM, a slow authentication call in the handshake) takes 10 s here, and the client's handshake timeout
 * is 5 s.
 *
 * <p><b>Fix.</b> A handshake timeout longer than the slowest expected handshake (30 s here), or a retry with
 * backoff. The test runs at a time scale of 0.1 (a 10 s cold start lasts 1 s); the client's timeouts are scaled
 * with {@code proxy.scaled(...)} so that they keep their proportion.
 */
class Ex07HandshakeTimeoutTest {

    private static final Duration COLD_START = Duration.ofSeconds(10);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private AppServer app;
    private ChaosProxy proxy;

    @BeforeEach
    void start() {
        app = AppServer.start();
        proxy = ChaosProxy.builder().upstream(app.wsUri()).timeScale(0.1).start();
        proxy.inject(Faults.delayHandshake(COLD_START));
    }

    @AfterEach
    void stop() {
        proxy.close();
        app.close();
    }

    @Test
    void aFiveSecondTimeoutGivesUpOnATenSecondColdStart() {
        Throwable failure = JdkClient.handshakeFailure(proxy.uri(),
                JdkClient.Options.defaults().timeout(proxy.scaled(Duration.ofSeconds(5))));

        assertThat(failure).isInstanceOf(HttpTimeoutException.class);
        assertThat(proxy).within(WAIT).attempt(1).hasOutcome(Outcome.TIMED_OUT).wasHitBy("delay-handshake");
    }

    @Test
    void fixedByAHandshakeTimeoutLongerThanTheColdStart() throws Exception {
        try (JdkClient client = JdkClient.connect(proxy.uri(),
                JdkClient.Options.defaults().timeout(proxy.scaled(Duration.ofSeconds(30))))) {
            client.send("hello");
            await().atMost(WAIT).until(() -> client.messages().contains("hello"));
        }

        assertThat(proxy).within(WAIT).attempt(1).isUpgraded().wasHitBy("delay-handshake");
        ConnectionRecord attempt = proxy.recording().attempt(1);
        Duration handshake = attempt.upgradedAt().orElseThrow().minus(attempt.acceptedAt());
        assertThat(handshake).isGreaterThanOrEqualTo(proxy.scaled(COLD_START));
    }
}
