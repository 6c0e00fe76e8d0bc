package io.github.wschaos.assertj;

import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThat;
import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThatThrownBy;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;

import io.github.wschaos.fault.Faults;
import io.github.wschaos.record.CloseInfo;
import io.github.wschaos.record.Closer;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.record.Recording;
import io.github.wschaos.record.RecordingListener;
import io.github.wschaos.record.Timeline;
import io.github.wschaos.record.Traffic;
import io.github.wschaos.testing.EchoBehindProxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Attempts that overlap (the next started before the previous one ended) and answers that came after the client had
 * gone: no delay is negative, and the assertions say what they can and cannot see. The arithmetic is checked over
 * a recorded timeline written out here (the JDK's late close of a timed-out handshake, measured by a probe), and the
 * whole against the JDK's HttpClient through a blackhole.
 */
class OverlappingAttemptsTest {

    @RegisterExtension
    final EchoBehindProxy echo = new EchoBehindProxy();

    /** The JDK closes a timed-out handshake's connection 75 ms after its next attempt started, 300 ms after the timeout. */
    private static final List<ConnectionRecord> JDK_TIMEOUTS = List.of(
            timedOut(1, 0, 1375),
            timedOut(2, 1300, 2700),
            timedOut(3, 2900, 3950));

    @Test
    void overlappingAttemptsHaveNoNegativeDelay() {
        assertThat(JDK_TIMEOUTS.get(1).delaySince(JDK_TIMEOUTS.get(0))).isEmpty();
        assertThat(JDK_TIMEOUTS.get(2).delaySince(JDK_TIMEOUTS.get(1))).contains(ofMillis(200));
        assertThat(ReconnectAssert.delaysOf(JDK_TIMEOUTS)).containsExactly(Duration.ZERO, ofMillis(200));
        assertThat(Timeline.render(JDK_TIMEOUTS)).contains("overlap").doesNotContain("-0.").contains("0.200s");
    }

    @Test
    void assertionsSkipOrBoundWhatTheyCannotSee() {
        ReconnectAssert reconnects = new ReconnectAssert(new FixedRecording(JDK_TIMEOUTS), null);
        // Attempt #2 came 1.3 s after attempt #1 started: the client's own delay was no longer, and may be 300 ms.
        reconnects.hasNoStormFasterThan(ofMillis(100));
        assertThatThrownBy(() -> reconnects.hasNoStormFasterThan(ofMillis(250)))
                .hasMessageContaining("but attempt #3 came 0.200s after the previous one ended");
        assertThatThrownBy(() -> reconnects.hasNoStormFasterThan(ofMillis(1500)))
                .hasMessageContaining("but attempt #2 came 1.300s after the previous one started, which was still open");
        reconnects.followBackoff(Backoff.constant(ofMillis(200)));
        assertThatThrownBy(() -> reconnects.gaveUpAfter(1, ofMillis(100)))
                .hasMessageContaining("but attempt #2 came while attempt #1 was still open");
        assertThatThrownBy(() -> new ReconnectAssert(new FixedRecording(JDK_TIMEOUTS.subList(0, 2)), null)
                .followBackoff(Backoff.constant(ofMillis(200))))
                .hasMessageContaining("but no delay could be measured");
    }

    @Test
    void anAnswerWrittenAfterTheClientLeftDoesNotEndTheAttempt() {
        ConnectionRecord late = record(1, 0, Optional.of(ofMillis(8000)), Optional.of(ofMillis(1200)), Outcome.REJECTED, 503);
        ConnectionRecord next = record(2, 1500, Optional.of(ofMillis(1510)), Optional.of(ofMillis(1510)), Outcome.REJECTED, 503);
        assertThat(late.endedAt()).isEqualTo(ofMillis(1200));
        assertThat(next.delaySince(late)).contains(ofMillis(300));
    }

    @Test
    void theJdkClientThroughABlackholeNeverShowsANegativeDelay() {
        echo.proxy().inject(Faults.blackhole());
        try (JdkReconnectingClient client = JdkReconnectingClient.start(echo.proxy().uri(),
                JdkReconnectingClient.delays(300), 0, ofSeconds(1))) {
            assertThat(echo.proxy()).within(ofSeconds(20)).reconnects().hasAtLeastAttempts(5);
        }
        List<ConnectionRecord> records = echo.proxy().recording().connections();
        assertThat(ReconnectAssert.delaysOf(records)).allSatisfy(delay -> assertThat(delay).isGreaterThanOrEqualTo(Duration.ZERO));
        assertThat(Timeline.render(records)).doesNotContainPattern(" -\\d");
    }

    private static ConnectionRecord timedOut(int attempt, long acceptedMillis, long closedMillis) {
        return new ConnectionRecord(attempt, "127.0.0.1:40000", ofMillis(acceptedMillis),
                Optional.of(ofMillis(acceptedMillis + 5)), Optional.empty(), Optional.empty(),
                Optional.of(ofMillis(closedMillis)), Optional.of(ofMillis(closedMillis)), "GET", "/", Map.of(),
                Outcome.TIMED_OUT, 0, Traffic.NONE, Traffic.NONE, List.of("blackhole"),
                Optional.of(new CloseInfo(Closer.CLIENT, false, OptionalInt.empty(), "", "")), "");
    }

    private static ConnectionRecord record(int attempt, long acceptedMillis, Optional<Duration> response,
            Optional<Duration> closing, Outcome outcome, int status) {
        return new ConnectionRecord(attempt, "127.0.0.1:40000", ofMillis(acceptedMillis),
                Optional.of(ofMillis(acceptedMillis + 5)), response, Optional.empty(), closing, closing, "GET", "/",
                Map.of(), outcome, status, Traffic.NONE, Traffic.NONE, List.of(), Optional.of(new CloseInfo(Closer.CLIENT, false, OptionalInt.empty(), "", "")), "");
    }

    /** A recording whose connections are given: the timeline of a past run. */
    private record FixedRecording(List<ConnectionRecord> connections) implements Recording {

        @Override
        public int attempts() {
            return connections.size();
        }

        @Override
        public ConnectionRecord attempt(int number) {
            return connections.get(number - 1);
        }

        @Override
        public Optional<ConnectionRecord> last() {
            return connections.isEmpty() ? Optional.empty() : Optional.of(connections.get(connections.size() - 1));
        }

        @Override
        public Duration elapsed() {
            return ofSeconds(60);
        }

        @Override
        public void clear() {
            throw new UnsupportedOperationException("a past run");
        }

        @Override
        public Subscription subscribe(RecordingListener listener) {
            throw new UnsupportedOperationException("a past run");
        }
    }
}
