package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A request target with raw bytes of {@code 0x80} and up (curl sends a UTF-8 query string so; a hand-written client
 * may send Latin-1) reaches the upstream byte for byte, as through nginx: Netty's encoder wrote such a target back in
 * UTF-8, each byte as a character of its own, and {@code /café} arrived as {@code /cafÃ©}.
 */
class RequestTargetBytesTest {

    /** UTF-8 in the path and the query, and a lone Latin-1 byte that is no UTF-8 at all. */
    private static final String TARGET = new String("/caf\u00e9/\u2603?q=Jos\u00e9&city=M\u00fcnchen&x=".getBytes(StandardCharsets.UTF_8),
            StandardCharsets.ISO_8859_1) + "\u00e9";

    @Test
    void plainAndUpgradeRequestsKeepTheirTargetBytes() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    for (int i = 0; i < 2; i++) {
                        connection.readHead();
                        connection.write(RawUpstream.ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
                    }
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(""));
                    connection.readSome();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp client = RawHttp.connect(proxy.address())) {
            // An ASCII target first: the connection to the upstream is open before a target needs its bytes kept.
            client.send("GET /plain HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);
            client.send("GET " + TARGET + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);
            client.send(RawHttp.upgradeRequest(proxy.address(), TARGET));
            assertThat(client.readRawHead()).startsWith("HTTP/1.1 101 ");

            assertThat(upstream.heads()).hasSize(3);
            // Heads are kept as ISO-8859-1 text: one character per byte, so equal text is equal bytes.
            assertThat(upstream.heads().get(1)).startsWith("GET " + TARGET + " HTTP/1.1\r\n");
            assertThat(upstream.heads().get(2)).startsWith("GET " + TARGET + " HTTP/1.1\r\n");
        }
    }
}
