package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.TlsResetAfterHandshakeServer;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A {@code wss://} upstream that finishes the TLS handshake and resets the connection at once (a TLS terminator whose
 * backend is down) gets the client nginx's {@code 502}, every time. On Netty 4.2.18's io_uring transport with its
 * multishot {@code POLL_ADD}, about one request in two hung instead: the reset was never seen.
 */
class UpstreamResetAfterTlsHandshakeTest {

    private static final int REQUESTS = 20;
    private static final Duration CLIENT_WAIT = Duration.ofSeconds(5);

    @Test
    void everyRequestGets502() throws Exception {
        try (TlsResetAfterHandshakeServer upstream = TlsResetAfterHandshakeServer.start();
             ChaosProxy proxy = ChaosProxy.builder().upstream(upstream.uri()).upstreamTrust(upstream.trust()).start()) {
            for (int i = 0; i < REQUESTS; i++) {
                try (RawHttp client = RawHttp.connect(proxy.address())) {
                    client.readTimeout(CLIENT_WAIT);
                    RawHttp.Response answer = client.send(RawHttp.upgradeRequest(proxy.address(), "/chat")).readResponse();
                    assertThat(answer.status()).as("request %d", i + 1).isEqualTo(502);
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("request " + (i + 1) + " of " + REQUESTS + " got no answer within "
                            + CLIENT_WAIT.toSeconds() + " s: the upstream's reset was not seen", e);
                }
            }
        }
    }
}
