package io.github.wschaos.record;

import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The timeline's last column: how an attempt closed, that it is closing, or that it is open. */
class TimelineTest {

    @Test
    void anAttemptWhoseCloseIsHeldUpReadsClosingNotOpen() {
        // The client's close went through while a slow_close toxic holds the TCP close back: ended for the client.
        ConnectionRecord closing = upgraded(Optional.of(ofMillis(3908)));
        ConnectionRecord open = upgraded(Optional.empty());

        assertThat(Timeline.render(List.of(closing))).endsWith("closing since 3.908s");
        assertThat(Timeline.render(List.of(open))).endsWith("open");
    }

    private static ConnectionRecord upgraded(Optional<Duration> closing) {
        return new ConnectionRecord(1, "127.0.0.1:40000", Duration.ZERO, Optional.of(ofMillis(5)),
                Optional.of(ofMillis(10)), Optional.of(ofMillis(10)), closing, Optional.empty(), "GET", "/", Map.of(),
                Outcome.UPGRADED, 101, Traffic.NONE, Traffic.NONE, List.of("slow-close"), Optional.empty(), "");
    }
}
