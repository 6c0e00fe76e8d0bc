package io.github.wschaos.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.ClientConnection;
import io.github.wschaos.testing.ClientEnding;
import io.github.wschaos.testing.JettyEchoServer;
import io.github.wschaos.testing.RealClient;
import java.net.ProtocolException;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Faults#stripUpgradeHeaders()} in front of Jetty, seen by each real client as GROUND-TRUTH.md measured it
 * behind an nginx without upgrade configuration: Jetty never sees {@code Upgrade}, answers {@code 404}, and each
 * library reports that status its own way. Once disarmed, the same client connects and echoes.
 */
class StripUpgradeHeadersTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private JettyEchoServer server;
    private ChaosProxy proxy;

    @BeforeEach
    void start() {
        server = JettyEchoServer.start();
        proxy = ChaosProxy.start(server.uri());
    }

    @AfterEach
    void stop() {
        proxy.close();
        server.close();
    }

    static Stream<Arguments> clients() {
        Consumer<ClientEnding> jdk = ending -> {
            assertThat(ending.failure()).isInstanceOf(WebSocketHandshakeException.class);
            assertThat(((WebSocketHandshakeException) ending.failure()).getResponse().statusCode()).isEqualTo(404);
        };
        Consumer<ClientEnding> okHttp = ending -> assertThat(ending.failure())
                .isInstanceOf(ProtocolException.class)
                .hasMessage("Expected HTTP 101 response but was '404 Not Found'");
        Consumer<ClientEnding> javaWebSocket = ending -> {
            assertThat(ending.failure()).as("%s", ending).isNull();
            assertThat(ending.code()).isEqualTo(1002);
            assertThat(ending.reason()).startsWith("Invalid status code received: 404");
        };
        return Stream.of(
                Arguments.of(RealClient.jdk(), jdk),
                Arguments.of(RealClient.okHttp(), okHttp),
                Arguments.of(RealClient.javaWebSocket(), javaWebSocket));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clients")
    void eachClientReportsJettys404UntilDisarmed(RealClient client, Consumer<ClientEnding> expected) throws Exception {
        try (FaultHandle strip = proxy.inject(Faults.stripUpgradeHeaders())) {
            ClientEnding ending = client.failedHandshake(proxy.uri());
            expected.accept(ending);
            assertThat(strip.hits()).isEqualTo(1);
        }

        try (ClientConnection connection = client.connect(proxy.uri())) {
            connection.sendText("upgrades pass again");
            assertThat(connection.nextMessage(TIMEOUT)).isEqualTo("upgrades pass again");
        }
        await().atMost(TIMEOUT).untilAsserted(() -> {
            ConnectionRecord stripped = proxy.recording().attempt(1);
            assertThat(stripped.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(stripped.status()).isEqualTo(404);
            assertThat(stripped.faults()).containsExactly("strip-upgrade-headers");
            assertThat(proxy.recording().attempt(2).outcome()).isEqualTo(Outcome.UPGRADED);
            assertThat(proxy.recording().attempt(2).faults()).isEmpty();
        });
    }
}
