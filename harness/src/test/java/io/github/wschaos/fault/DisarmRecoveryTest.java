package io.github.wschaos.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.NettyEchoServer;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Once a fault is disarmed, new connections upgrade and echo as if it had never been armed. */
class DisarmRecoveryTest {

    static Stream<Fault> faults() {
        return Stream.of(Faults.stripUpgradeHeaders(), Faults.dropIdleConnections(Duration.ofMillis(200)),
                Faults.rejectOrigins("https://app.example"), Faults.refuseConnections(), Faults.blackhole(),
                Faults.delayHandshake(Duration.ofSeconds(30)), Faults.respondWithStatus(503),
                Faults.closeWithCode(1012, "restart"), Faults.resetConnection(), Faults.swallowPings(),
                Faults.halfOpen(Direction.BOTH), Faults.latency(Duration.ofSeconds(30), Direction.BOTH),
                Faults.timeout(Duration.ZERO, Direction.BOTH), Faults.limitData(1, Direction.BOTH));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void trafficIsNormalOnceDisarmed(Fault fault) throws Exception {
        try (NettyEchoServer server = NettyEchoServer.start(); ChaosProxy proxy = ChaosProxy.start(server.uri())) {
            proxy.inject(fault).close();
            try (JdkWebSocketClient client = JdkWebSocketClient.connect(proxy.uri())) {
                client.send("as if nothing happened");
                await().atMost(Duration.ofSeconds(5)).until(() -> client.messages().contains("as if nothing happened"));
                client.ping("still alive");
                await().atMost(Duration.ofSeconds(5)).until(() -> client.pongs().contains("still alive"));
            }
            ConnectionRecord record = proxy.recording().attempt(1);
            assertThat(record.isUpgraded()).isTrue();
            assertThat(record.faults()).isEmpty();
        }
    }
}
