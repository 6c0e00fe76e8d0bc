package io.github.wschaos.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import eu.rekawek.toxiproxy.GenericToxics;
import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.NettyEchoServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket toxic types that act on the connection itself ({@code refuse}, {@code blackhole},
 * {@code delay_handshake}, {@code reset}, {@code swallow_pings}, {@code half_open}, and {@code tls_mismatch}'s
 * {@code tls_listener} mode), each armed through toxiproxy-java's own HTTP layer with the attribute names the README
 * documents, observed by the JDK's WebSocket client through the proxy with the symptom the catalogue's own tests
 * assert, then removed, after which the same client gets through again.
 */
class WebSocketToxicRecoveryTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private NettyEchoServer upstream;
    private ChaosServer server;
    private GenericToxics generic;
    private URI uri;

    @BeforeEach
    void start() throws IOException {
        upstream = NettyEchoServer.start();
        server = ChaosServer.builder().port(0).start();
        ToxiproxyClient client = new ToxiproxyClient("127.0.0.1", server.port());
        Proxy proxy = client.createProxy("echo", "127.0.0.1:0", "127.0.0.1:" + upstream.uri().getPort());
        generic = new GenericToxics("127.0.0.1", server.port());
        uri = URI.create("ws://" + proxy.getListen() + "/echo");
    }

    @AfterEach
    void stop() {
        server.close();
        upstream.close();
    }

    @Test
    void refuseResetsEveryConnectionAtOnceUntilRemoved() throws Exception {
        generic.create("echo", "down", "refuse", "downstream", 1f, new JsonObject());
        Throwable failure = JdkWebSocketClient.handshakeFailure(uri, null, TIMEOUT, null);
        assertThat(failure).as(String.valueOf(failure)).isInstanceOf(IOException.class)
                .isNotInstanceOf(HttpTimeoutException.class);

        generic.remove("echo", "down");
        assertEchoWorks();
        JsonObject first = attempt(1);
        assertThat(first.get("outcome").getAsString()).isEqualTo("REFUSED");
        assertThat(first.getAsJsonArray("faults").get(0).getAsString()).isEqualTo("refuse");
    }

    @Test
    void blackholeLetsTheHandshakeTimeOutUntilRemoved() throws Exception {
        generic.create("echo", "void", "blackhole", "downstream", 1f, new JsonObject());
        Throwable failure = JdkWebSocketClient.handshakeFailure(uri, null, Duration.ofMillis(300), null);
        assertThat(failure).as(String.valueOf(failure)).isInstanceOf(HttpTimeoutException.class);

        generic.remove("echo", "void");
        assertEchoWorks();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(attempt(1).get("outcome").getAsString()).isEqualTo("TIMED_OUT"));
    }

    @Test
    void delayHandshakeHoldsTheUpgradeForItsDelayUntilRemoved() throws Exception {
        JsonObject delay = new JsonObject();
        delay.addProperty("delay", 400);
        JsonObject toxic = generic.create("echo", "slow", "delay_handshake", "downstream", 1f, delay);
        assertThat(toxic.getAsJsonObject("attributes").get("delay").getAsInt()).isEqualTo(400);
        long start = System.nanoTime();
        try (JdkWebSocketClient patient = JdkWebSocketClient.connect(uri, null, TIMEOUT, null)) {
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        }

        delay.addProperty("delay", 5000);
        assertThat(generic.update("echo", "slow", delay).getAsJsonObject("attributes").get("delay").getAsInt())
                .isEqualTo(5000);
        Throwable impatient = JdkWebSocketClient.handshakeFailure(uri, null, Duration.ofMillis(1500), null);
        assertThat(impatient).as(String.valueOf(impatient)).isInstanceOf(HttpTimeoutException.class);

        generic.remove("echo", "slow");
        // The same 1.5 s budget that timed out against the 5 s delay is plenty without it.
        try (JdkWebSocketClient client = JdkWebSocketClient.connect(uri, null, Duration.ofMillis(1500), null)) {
            echo(client, "on time");
        }
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(attempt(2).get("outcome").getAsString()).isEqualTo("TIMED_OUT"));
    }

    @Test
    void resetDropsOpenConnectionsWithoutACloseFrameUntilRemoved() throws Exception {
        try (JdkWebSocketClient client = JdkWebSocketClient.connect(uri)) {
            echo(client, "before");
            generic.create("echo", "rst", "reset", "downstream", 1f, new JsonObject());
            assertThat(client.closeCode().get(5, TimeUnit.SECONDS)).isEqualTo(JdkWebSocketClient.ABNORMAL);
        }
        generic.remove("echo", "rst");
        assertEchoWorks();
        JsonObject close = closeOf(1);
        assertThat(close.get("closer").getAsString()).isEqualTo("proxy");
        assertThat(close.get("close_frame").getAsBoolean()).isFalse();
        assertThat(close.get("cause").getAsString()).isEqualTo("reset");
        assertThat(close.get("reported_code").getAsInt()).isEqualTo(1006);

        JsonObject after = new JsonObject();
        after.addProperty("after", 300);
        generic.create("echo", "rst-later", "reset", "downstream", 1f, after);
        long start = System.nanoTime();
        try (JdkWebSocketClient client = JdkWebSocketClient.connect(uri)) {
            echo(client, "within the grace period");
            assertThat(client.closeCode().get(5, TimeUnit.SECONDS)).isEqualTo(JdkWebSocketClient.ABNORMAL);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
        generic.remove("echo", "rst-later");
        assertEchoWorks();
    }

    @Test
    void swallowPingsLeavesPingsUnansweredWhileDataFlowsUntilRemoved() throws Exception {
        try (JdkWebSocketClient client = JdkWebSocketClient.connect(uri)) {
            // No direction attribute: the toxic's stream, upstream, where the client's pings go.
            generic.create("echo", "pings", "swallow_pings", "upstream", 1f, new JsonObject());
            client.ping("lost");
            echo(client, "data still flows");
            assertThat(client.pongs()).isEmpty();

            JsonObject both = new JsonObject();
            both.addProperty("direction", "both");
            assertThat(generic.update("echo", "pings", both).getAsJsonObject("attributes").get("direction").getAsString())
                    .isEqualTo("both");
            client.ping("lost too");
            echo(client, "data flows both ways");
            assertThat(client.pongs()).isEmpty();

            generic.remove("echo", "pings");
            echo(client, "boundary");
            client.ping("found");
            await().atMost(TIMEOUT).until(() -> client.pongs().contains("found"));
            assertThat(client.pongs()).containsExactly("found");
        }
    }

    @Test
    void halfOpenStopsOneDirectionWhileTcpStaysOpenUntilRemoved() throws Exception {
        try (JdkWebSocketClient client = JdkWebSocketClient.connect(uri)) {
            echo(client, "before");
            generic.create("echo", "one-way", "half_open", "downstream", 1f, new JsonObject());
            client.send("into the void");
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                    .until(() -> client.messages().size() == 1 && !client.closeCode().isDone());

            generic.remove("echo", "one-way");
            echo(client, "after");
            assertThat(client.messages()).containsExactly("before", "after");
        }
        // The direction attribute overrides the stream: upstream-only, so the server never hears the client's close.
        try (JdkWebSocketClient client = JdkWebSocketClient.connect(uri)) {
            echo(client, "second");
            JsonObject upstreamOnly = new JsonObject();
            upstreamOnly.addProperty("direction", "upstream");
            generic.create("echo", "mute-client", "half_open", "downstream", 1f, upstreamOnly);
            client.sendClose(4001, "never heard");
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                    .until(() -> upstream.closesReceived().isEmpty() && !client.closeCode().isDone());
            generic.remove("echo", "mute-client");
        }
        assertEchoWorks();
    }

    @Test
    void tlsListenerModeAnswersAWsClientAsNginxsHttpsPortUntilRemoved() throws Exception {
        JsonObject mode = new JsonObject();
        mode.addProperty("mode", "tls_listener");
        generic.create("echo", "https-port", "tls_mismatch", "downstream", 1f, mode);
        Throwable failure = JdkWebSocketClient.handshakeFailure(uri, null, TIMEOUT, null);
        assertThat(failure).as(String.valueOf(failure)).isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) failure).getResponse().statusCode()).isEqualTo(400);
        assertThat(((WebSocketHandshakeException) failure).getResponse().body().toString())
                .contains("The plain HTTP request was sent to HTTPS port");

        generic.remove("echo", "https-port");
        assertEchoWorks();
        assertThat(attempt(1).getAsJsonArray("faults").get(0).getAsString()).isEqualTo("tls-mismatch");
    }

    private void assertEchoWorks() throws Exception {
        try (JdkWebSocketClient client = JdkWebSocketClient.connect(uri)) {
            echo(client, "still there?");
        }
    }

    private static void echo(JdkWebSocketClient client, String text) {
        client.send(text);
        await().atMost(TIMEOUT).until(() -> client.messages().contains(text));
    }

    /** Attempt {@code n} (1-based) of the proxy's recording, read over the API. */
    private JsonObject attempt(int n) throws IOException {
        var connections = generic.recording("echo").getAsJsonArray("connections");
        assertThat(connections.size()).as("attempts recorded").isGreaterThanOrEqualTo(n);
        return connections.get(n - 1).getAsJsonObject();
    }

    private JsonObject closeOf(int n) {
        await().atMost(TIMEOUT).until(() -> attempt(n).get("close").isJsonObject());
        try {
            return attempt(n).getAsJsonObject("close");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
