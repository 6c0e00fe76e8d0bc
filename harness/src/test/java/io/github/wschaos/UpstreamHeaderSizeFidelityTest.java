package io.github.wschaos;

import static io.github.wschaos.testing.RawUpstream.switchingProtocols;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.NginxServer;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import java.net.InetSocketAddress;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code maxUpstreamHeaderSize(4096)} side by side with a default nginx 1.22.1 ({@code proxy_buffer_size} of one
 * 4 KiB page) in front of the same upstream: a {@code 101} whose head is 4,096 bytes is relayed by both, one of 4,097
 * bytes gets both clients {@code 502 Bad Gateway} ("upstream sent too big header" in nginx's log and the proxy's
 * record). The head is written as servers write it ({@code name: value}, CRLF), which both count alike.
 */
class UpstreamHeaderSizeFidelityTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @ParameterizedTest(name = "a head of {0} bytes")
    @ValueSource(ints = {4096, 4097, 6000})
    void anUpstreamHeadOverTheLimitGetsTheClient502AsFromNginx(int headSize) throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    if (connection.readHead() != null) {
                        connection.write(switchingProtocolsOfSize(headSize));
                        connection.readToEnd();
                    }
                });
                NginxServer nginx = NginxServer.builder(upstream.uri()).start();
                ChaosProxy proxy = ChaosProxy.builder().upstream(upstream.uri()).maxUpstreamHeaderSize(4096).start()) {
            int expected = headSize <= 4096 ? 101 : 502;
            assertThat(statusThrough(nginx.address())).as("nginx, the reference").isEqualTo(expected);
            assertThat(statusThrough(proxy.address())).as("the proxy").isEqualTo(expected);

            Awaitility.await().atMost(WAIT).until(() -> proxy.recording().attempts() == 1
                    && proxy.recording().attempt(1).outcome() != Outcome.PENDING);
            ConnectionRecord record = proxy.recording().attempt(1);
            if (expected == 502) {
                assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
                assertThat(record.failure()).contains("upstream sent too big header: a head of " + headSize + " bytes",
                        "maxUpstreamHeaderSize 4096");
            } else {
                assertThat(record.outcome()).isEqualTo(Outcome.UPGRADED);
            }
        }
    }

    @Test
    void byDefaultAHeadOfUpTo64KiBIsRelayedAndAClientSeesTheUpgradeAs502WithTheLimit() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    while (connection.readHead() != null) {
                        connection.write(switchingProtocolsOfSize(8000));
                    }
                });
                ChaosProxy lenient = ChaosProxy.start(upstream.uri());
                ChaosProxy strict = ChaosProxy.builder().upstream(upstream.uri()).maxUpstreamHeaderSize(4096).start()) {
            assertThat(statusThrough(lenient.address())).isEqualTo(101);

            Throwable failure = JdkWebSocketClient.handshakeFailure(strict.uri(), null, WAIT, null);
            assertThat(failure).isInstanceOf(WebSocketHandshakeException.class);
            assertThat(((WebSocketHandshakeException) failure).getResponse().statusCode()).isEqualTo(502);
        }
    }

    @Test
    void aLimitOutOfRangeIsRefusedNamingWhatIsAccepted() {
        assertThatThrownBy(() -> ChaosProxy.builder().maxUpstreamHeaderSize(100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max upstream header size 100 is out of range; accepted are 1024 to 65536 bytes");
        assertThatThrownBy(() -> ChaosProxy.builder().maxUpstreamHeaderSize(70_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("70000");
    }

    /** The {@code 101} to {@link RawHttp#upgradeRequest}, padded with one header to exactly {@code size} bytes. */
    private static byte[] switchingProtocolsOfSize(int size) {
        int bare = switchingProtocols("").length;
        String name = "X-Padding: ";
        int value = size - bare - name.length() - 2;
        return switchingProtocols(name + "p".repeat(value) + "\r\n");
    }

    private static int statusThrough(InetSocketAddress address) throws Exception {
        try (RawHttp http = RawHttp.connect(address)) {
            return http.send(RawHttp.upgradeRequest(address, "/chat")).readHead().status();
        }
    }
}
