package io.github.wschaos;

import static io.github.wschaos.testing.RawUpstream.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.fault.Faults;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.JettyHttpServer;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An upgrade to another protocol than WebSocket ({@code Upgrade: h2c}, which the JDK's HttpClient sends by default on
 * {@code http://}, or any other) that the upstream accepts with {@code 101} becomes a byte tunnel, as nginx 1.22.1
 * makes it (measured: the {@code 101}, then bytes both ways). It is not a WebSocket: recorded as
 * {@link Outcome#NOT_WEBSOCKET} with status 101, no frames counted, and frame faults leave it alone.
 */
class ProtocolUpgradeTunnelTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void anotherProtocolsUpgradeIsTunnelledLikeNginxDoes() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(ascii("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: foo/1\r\n\r\nWELCOME"));
                    for (byte[] read = connection.readSome(); read != null; read = connection.readSome()) {
                        connection.write(ascii("echo:"), read);
                    }
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            proxy.inject(Faults.swallowPings());
            RawHttp.Response head = http.send("GET /tunnel HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: foo/1\r\n\r\n")
                    .readHead();

            assertThat(head.status()).isEqualTo(101);
            assertThat(head.headers()).containsEntry("upgrade", "foo/1");
            assertThat(text(http.readBytes("WELCOME".length()))).isEqualTo("WELCOME");
            // Bytes that read as a WebSocket ping (0x89, length 0): no frame fault touches a tunnel.
            String bytes = "\u0089\u0000 not http\r\n\r\n";
            http.send(bytes);
            assertThat(text(http.readBytes(("echo:" + bytes).length()))).isEqualTo("echo:" + bytes);

            await().atMost(TIMEOUT).until(() -> proxy.recording().attempt(1).status() == 101);
            ConnectionRecord record = proxy.recording().attempt(1);
            assertThat(record.outcome()).isEqualTo(Outcome.NOT_WEBSOCKET);
            assertThat(record.upgradedAt()).as("not a WebSocket").isEmpty();
            assertThat(record.upstreamToClient().frames()).as("no WebSocket frames read into tunnelled bytes").isZero();
        }
    }

    @Test
    void theJdkClientsH2cUpgradeOfferIsAnsweredInHttp11ByAServerWithoutH2c() throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build(); // HTTP/2 by default: offers h2c
        try (JettyHttpServer server = JettyHttpServer.start(); ChaosProxy proxy = ChaosProxy.start(server.wsUri())) {
            URI base = URI.create("http://127.0.0.1:" + proxy.port());
            HttpResponse<String> get = client.send(HttpRequest.newBuilder(base.resolve("/page")).timeout(TIMEOUT).build(),
                    BodyHandlers.ofString());
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(base.resolve("/echo")).timeout(TIMEOUT)
                    .POST(BodyPublishers.ofString("posted")).build(), BodyHandlers.ofString());

            assertThat(get.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(get.body()).isEqualTo("hello from /page");
            assertThat(post.body()).isEqualTo("posted");
            assertThat(proxy.recording().attempt(1).header("Upgrade")).as("the h2c offer went through").hasValue("h2c");
            assertThat(proxy.recording().attempt(1).outcome()).isEqualTo(Outcome.NOT_WEBSOCKET);
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
