package io.github.wschaos.fault;

import static io.github.wschaos.testing.RawUpstream.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import org.junit.jupiter.api.Test;

/**
 * {@code rejectOrigins} checks the WebSocket handshake, as {@code ws}'s {@code verifyClient} and Spring's allowed
 * origins do: plain requests (a health check, a same-origin page or long-polling {@code GET}, which browsers send
 * without {@code Origin}) reach the upstream and get its answer.
 */
class RejectOriginsPlainHttpTest {

    @Test
    void plainRequestsWithoutOriginAreRelayedWhileTheHandshakeIsRejected() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    while (connection.readHead() != null) {
                        connection.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
                    }
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            proxy.inject(Faults.rejectOrigins("https://app.example"));
            RawHttp.Response health;
            try (RawHttp http = RawHttp.connect(proxy.address())) {
                health = http.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readResponse();
            }
            RawHttp.Response handshake;
            try (RawHttp http = RawHttp.connect(proxy.address())) {
                handshake = http.send(RawHttp.upgradeRequest(proxy.address(), "/ws")).readResponse();
            }

            assertThat(health.status()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("ok");
            assertThat(handshake.status()).isEqualTo(403);
            assertThat(upstream.heads()).singleElement().satisfies(head -> assertThat(head).startsWith("GET /health "));
        }
    }
}
