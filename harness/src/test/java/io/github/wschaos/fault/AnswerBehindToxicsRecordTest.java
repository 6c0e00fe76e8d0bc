package io.github.wschaos.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An answer other than {@code 101} held by a downstream toxic ends its attempt when it has passed the toxic, when the
 * client can read it and schedule its retry, as a close frame does: a client that retries at once has a delay of about
 * zero, not the latency. Before, the attempt ended when the answer went into the toxic, and a Go client that slept 100 ms
 * behind a 500 ms latency was recorded with 0.614 s.
 */
class AnswerBehindToxicsRecordTest {

    private static final Duration LATENCY = Duration.ofMillis(700);
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void aRefusalHeldByALatencyEndsItsAttemptWhenItReachesTheClient() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> connection.readToEnd());
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            proxy.inject(Faults.latency(LATENCY, Direction.DOWNSTREAM));
            proxy.inject(Faults.respondWithStatus(503));
            for (int attempt = 0; attempt < 2; attempt++) {
                try (RawHttp client = RawHttp.connect(proxy.address())) {
                    client.readTimeout(WAIT);
                    assertThat(client.send(RawHttp.upgradeRequest(proxy.address(), "/")).readHead().status())
                            .isEqualTo(503);
                } // and at once the next attempt
            }
            await().atMost(WAIT).until(() -> proxy.recording().attempts() == 2);
            ConnectionRecord first = proxy.recording().attempt(1);
            ConnectionRecord second = proxy.recording().attempt(2);
            assertThat(first.responseAt().orElseThrow().minus(first.requestAt().orElseThrow()))
                    .as("the answer's time: once it passed the latency").isGreaterThanOrEqualTo(LATENCY.minusMillis(50));
            // Tolerance: the client reads the answer, closes and connects again at once; 300 ms covers a busy machine,
            // well under the latency a wrong end would add.
            assertThat(second.delaySince(first)).get(org.assertj.core.api.InstanceOfAssertFactories.DURATION)
                    .isLessThan(Duration.ofMillis(300));
        }
    }
}
