package io.github.wschaos;

import static io.github.wschaos.testing.RawUpstream.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import io.github.wschaos.testing.RawWebSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * With no fault armed, upgrade requests as real clients write them reach the upstream as written (header names'
 * case, order, repeated headers, a long query string), are recognised as upgrades, and the connection upgrades.
 */
class UpgradeRequestFidelityTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void firefoxStyleRequestReachesTheUpstreamAsWrittenAndUpgrades() throws Exception {
        assertRelayedAsWrittenAndUpgraded("/chat?token=abc", (host, target) -> "GET " + target + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
                + "Accept: */*\r\n"
                + "Accept-Language: en-US,en;q=0.5\r\n"
                + "Accept-Encoding: gzip, deflate, br\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Origin: http://localhost:3000\r\n"
                + "Sec-WebSocket-Protocol: graphql-transport-ws, graphql-ws\r\n"
                + "Sec-WebSocket-Extensions: permessage-deflate\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Connection: keep-alive, Upgrade\r\n"
                + "Sec-Fetch-Dest: empty\r\n"
                + "Pragma: no-cache\r\n"
                + "Upgrade: websocket\r\n\r\n");
    }

    @Test
    void lowerCaseNamesMixedCaseUpgradeAndRepeatedProtocolsAreRelayedAsWritten() throws Exception {
        assertRelayedAsWrittenAndUpgraded("/socket", (host, target) -> "GET " + target + " HTTP/1.1\r\n"
                + "host: " + host + "\r\n"
                + "upgrade: WebSocket\r\n"
                + "connection: Upgrade\r\n"
                + "sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "sec-websocket-version: 13\r\n"
                + "sec-websocket-protocol: chat\r\n"
                + "sec-websocket-protocol: superchat\r\n\r\n");
    }

    @Test
    void aLongQueryStringIsRelayedAsWritten() throws Exception {
        String query = "?" + "k=" + "x".repeat(6000) + "&sig=%2F%3D";
        assertRelayedAsWrittenAndUpgraded("/ws" + query, (host, target) -> RawHttp.upgradeRequest(
                java.net.InetSocketAddress.createUnresolved("127.0.0.1", Integer.parseInt(host.substring(host.indexOf(':') + 1))), target));
    }

    private static void assertRelayedAsWrittenAndUpgraded(String target, RequestWriter writer) throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(""), RawUpstream.serverFrame(0x1, ascii("hi")));
                    connection.readToEnd();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            String request = writer.write("127.0.0.1:" + proxy.port(), target);
            RawHttp.Response head = http.send(request).readHead();

            assertThat(head.status()).isEqualTo(101);
            assertThat(RawWebSocket.over(http).readFrame(0x81)).isEqualTo("hi");
            assertThat(upstream.heads()).containsExactly(request);
            await().atMost(TIMEOUT).until(() -> proxy.recording().attempts() == 1
                    && proxy.recording().attempt(1).upgradedAt().isPresent());
            ConnectionRecord record = proxy.recording().attempt(1);
            assertThat(record.outcome()).isEqualTo(Outcome.UPGRADED);
            assertThat(record.target()).isEqualTo(target);
        }
    }

    /** Writes a request for {@code target} to {@code host} ({@code 127.0.0.1:port}). */
    @FunctionalInterface
    private interface RequestWriter {
        String write(String host, String target);
    }
}
