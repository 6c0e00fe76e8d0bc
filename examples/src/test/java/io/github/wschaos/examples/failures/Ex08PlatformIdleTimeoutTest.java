package io.github.wschaos.examples.failures;

import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.examples.support.AppServer;
import io.github.wschaos.examples.support.JdkClient;
import io.github.wschaos.examples.support.ReconnectingClient;
import io.github.wschaos.fault.Fault;
import io.github.wschaos.fault.Profiles;
import io.github.wschaos.record.ConnectionRecord;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Example 8: the platform closes idle connections.
 *
 * <p><b>Symptom.</b> In production, every connection that sees no traffic for about a minute drops: the JDK client
 * reports close code {@code 1006} with no close frame (OkHttp an {@code EOFException}), always after the same idle
 * time, never on a developer's machine.
 *
 * <p><b>Cause.</b> A middlebox with an idle timeout: Heroku's router (55 s without data either way), an AWS ALB
 * (60 s by default), nginx's {@code proxy_read_timeout} (60 s without data either way). They close TCP and
 * send no close frame.
 *
 * <p><b>Fix.</b> A heartbeat well inside the timeout: the client pings every 30 s. Pings and the server's pongs are
 * data to all three, so the connection never goes idle.
 *
 * <p>Time scale 0.01: 55 s last 550 ms, the 30 s heartbeat is {@code proxy.scaled(ofSeconds(30))} = 300 ms.
 * Tolerance for the drop: it comes no earlier than the timeout and less than 0.5 s (50 production seconds) after
 * it, which leaves room for a busy machine's scheduling.
 */
class Ex08PlatformIdleTimeoutTest {

    private static final double TIME_SCALE = 0.01;
    private static final Duration LATE_BY_AT_MOST = Duration.ofMillis(500);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private AppServer app;
    private ChaosProxy proxy;
    private ReconnectingClient client;

    static Stream<Arguments> platforms() {
        return Stream.of(
                Arguments.of("Heroku router", Profiles.herokuRouter(), Duration.ofSeconds(55)),
                Arguments.of("AWS ALB", Profiles.awsAlb(), Duration.ofSeconds(60)),
                Arguments.of("nginx defaults", Profiles.nginxDefaults(), Duration.ofSeconds(60)));
    }

    @BeforeEach
    void start() {
        app = AppServer.start();
        proxy = ChaosProxy.builder().upstream(app.wsUri()).timeScale(TIME_SCALE).start();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        proxy.close();
        app.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("platforms")
    void anIdleConnectionIsDroppedWithoutACloseFrame(String platform, List<Fault> profile, Duration idleTimeout) {
        profile.forEach(proxy::inject);

        client = ReconnectingClient.start(proxy.uri(), ReconnectingClient.Settings.naive());

        assertThat(proxy).within(WAIT).attempt(1).isUpgraded().closedWithoutCloseFrame().wasEndedBy("drop-idle");
        await().atMost(WAIT).until(() -> client.closeCodes().contains(JdkClient.ABNORMAL));
        ConnectionRecord attempt = proxy.recording().attempt(1);
        // the last data is the echo of the client's hello, a few milliseconds after the upgrade
        Duration openFor = attempt.closedAt().orElseThrow().minus(attempt.upgradedAt().orElseThrow());
        assertThat(openFor).isBetween(proxy.scaled(idleTimeout), proxy.scaled(idleTimeout).plus(LATE_BY_AT_MOST));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("platforms")
    void fixedByAHeartbeatInsideTheTimeout(String platform, List<Fault> profile, Duration idleTimeout) {
        profile.forEach(proxy::inject);

        client = ReconnectingClient.start(proxy.uri(),
                ReconnectingClient.Settings.naive().withHeartbeat(proxy.scaled(Duration.ofSeconds(30))));

        assertThat(proxy).within(WAIT).attempt(1).isUpgraded();
        Duration threeTimeouts = proxy.scaled(idleTimeout.multipliedBy(3));
        await().during(threeTimeouts).atMost(threeTimeouts.plus(WAIT))
                .until(() -> proxy.recording().attempt(1).close().isEmpty());
        assertThat(proxy).hasAttempts(1);
        assertThat(client.closeCodes()).isEmpty();
        assertThat(proxy.recording().attempt(1).clientToUpstream().controlFrames()).isGreaterThanOrEqualTo(3);
    }
}
