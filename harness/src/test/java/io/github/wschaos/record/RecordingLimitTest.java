package io.github.wschaos.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.testing.NettyEchoServer;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The recording keeps every open connection and the most recent ended ones up to the proxy's limit, so a proxy in front
 * of a long load test holds bounded memory, while attempt numbers go on counting every connection.
 */
class RecordingLimitTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void keepsTheOpenConnectionAndTheLastEndedOnes() throws Exception {
        try (NettyEchoServer server = NettyEchoServer.start();
                ChaosProxy proxy = ChaosProxy.builder().upstream(server.uri()).recordingLimit(3).start()) {
            WebSocket held = open(proxy);
            for (int i = 0; i < 10; i++) {
                WebSocket socket = open(proxy);
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
                int attempt = i + 2;
                await().atMost(WAIT).until(() -> proxy.recording().connections().stream()
                        .noneMatch(r -> r.attempt() == attempt && !r.isClosed()));
            }

            Recording recording = proxy.recording();
            assertThat(recording.attempts()).isEqualTo(11);
            assertThat(recording.connections()).extracting(ConnectionRecord::attempt).containsExactly(1, 9, 10, 11);
            assertThat(recording.attempt(1).isClosed()).isFalse();
            assertThat(recording.last()).hasValueSatisfying(last -> assertThat(last.attempt()).isEqualTo(11));
            assertThatThrownBy(() -> recording.attempt(4))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Attempt #4 is no longer in the recording: it keeps every open connection and the 3 that "
                            + "ended most recently (ChaosProxy.Builder.recordingLimit); 7 ended connections were dropped so far");
            assertThatThrownBy(() -> recording.attempt(12))
                    .hasMessage("No attempt #12: attempts so far are numbered 1 to 11");
            assertThat(recording).hasToString("Recording of 11 attempts (7 ended ones dropped: it keeps the 3 that ended last)");

            held.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> proxy.recording().connections().size() == 3);
            assertThat(proxy.recording().connections()).extracting(ConnectionRecord::attempt).containsExactly(1, 10, 11);
        }
    }

    @Test
    void clearingStartsAFreshCountAndLimit() throws Exception {
        try (NettyEchoServer server = NettyEchoServer.start();
                ChaosProxy proxy = ChaosProxy.builder().upstream(server.uri()).recordingLimit(0).start()) {
            WebSocket first = open(proxy);
            first.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> proxy.recording().connections().isEmpty());
            assertThat(proxy.recording().attempts()).isEqualTo(1);

            proxy.recording().clear();
            WebSocket second = open(proxy);
            assertThat(proxy.recording().connections()).extracting(ConnectionRecord::attempt).containsExactly(1);
            second.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> proxy.recording().connections().isEmpty());
            assertThat(proxy.recording()).hasToString("Recording of 1 attempt (1 ended ones dropped: it keeps the 0 that ended last)");
        }
    }

    @Test
    void aNegativeLimitIsRefusedWithTheAcceptedRange() {
        assertThatThrownBy(() -> ChaosProxy.builder().recordingLimit(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("recording limit -1 is negative; accepted are 0 (keep only open connections) and more");
    }

    private WebSocket open(ChaosProxy proxy) throws Exception {
        return http.newWebSocketBuilder().buildAsync(proxy.uri(), new WebSocket.Listener() { })
                .get(5, TimeUnit.SECONDS);
    }
}
