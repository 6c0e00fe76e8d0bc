package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.wschaos.fault.Direction;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.fault.Target;
import io.github.wschaos.fault.TlsMismatch;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.NettyEchoServer;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code ChaosProxy.builder().fault(...)}: faults armed before the listener opens, checked as {@code inject} checks. */
class FaultsFromTheStartTest {

    @Test
    void aFaultGivenToTheBuilderMeetsTheFirstConnectionAndDisarmsThroughItsHandle() throws Exception {
        try (NettyEchoServer upstream = NettyEchoServer.start();
                ChaosProxy proxy = ChaosProxy.builder().upstream(upstream.uri())
                        .fault(Faults.respondWithStatus(503))
                        .fault(Faults.latency(Duration.ofMillis(1), Direction.BOTH))
                        .start()) {
            assertThat(proxy.faults()).extracting(handle -> handle.fault().name())
                    .containsExactly("respond-with-status", "latency");
            Throwable refused = JdkWebSocketClient.handshakeFailure(proxy.uri(), null, Duration.ofSeconds(5), null);
            assertThat(refused).isInstanceOf(WebSocketHandshakeException.class);
            assertThat(((WebSocketHandshakeException) refused).getResponse().statusCode()).isEqualTo(503);
            assertThat(proxy.recording().attempt(1).outcome()).isEqualTo(Outcome.REJECTED);

            proxy.faults().get(0).close();
            try (JdkWebSocketClient client = JdkWebSocketClient.connect(proxy.uri())) {
                assertThat(proxy.recording().attempt(2).outcome()).isEqualTo(Outcome.UPGRADED);
            }
        }
    }

    @Test
    void aFaultThatCannotBeArmedSoIsRefusedBeforeAnyPortOpens() {
        ChaosProxy.Builder builder = ChaosProxy.builder().upstream("ws://127.0.0.1:9/");
        assertThatThrownBy(() -> builder.fault(Faults.latency(Duration.ofMillis(1), Direction.BOTH), Target.upgrades()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("target 'upgrades'");
        assertThatThrownBy(() -> builder.fault(Faults.forceTlsMismatch(TlsMismatch.EXPIRED_CERTIFICATE)).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TLS mismatch EXPIRED_CERTIFICATE changes the certificate of a TLS listener");
    }
}
