package io.github.wschaos.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import eu.rekawek.toxiproxy.GenericToxics;
import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.NettyEchoServer;
import io.github.wschaos.testing.NodeWsServer;
import io.github.wschaos.testing.RawHttp;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * wschaos's WebSocket faults armed as extra toxic types through the API, each observed by a real client; and
 * toxicity drawn from the server's seed.
 */
class WebSocketToxicsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ChaosServer server;

    @BeforeEach
    void start() {
        server = ChaosServer.builder().port(0).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void stripUpgradeHeadersArmedThroughToxiproxyJavaGivesTheUpstreamsOwn426() throws Exception {
        try (NodeWsServer upstream = NodeWsServer.start()) {
            ToxiproxyClient client = new ToxiproxyClient("127.0.0.1", server.port());
            Proxy proxy = client.createProxy("node", "127.0.0.1:0", "127.0.0.1:" + upstream.uri().getPort());
            GenericToxics generic = new GenericToxics("127.0.0.1", server.port());

            JsonObject toxic = generic.create("node", "no-upgrade", "strip_upgrade_headers", "downstream", 1f, new JsonObject());
            assertThat(toxic.get("type").getAsString()).isEqualTo("strip_upgrade_headers");
            assertThat(toxic.getAsJsonObject("attributes").size()).isZero();

            InetSocketAddress address = address(proxy.getListen());
            try (RawHttp raw = RawHttp.connect(address)) {
                RawHttp.Response response = raw.send(RawHttp.upgradeRequest(address, upstream.uri().getPath())).readResponse();
                // Node ws answers a request without Upgrade itself, as behind nginx without upgrade configuration.
                assertThat(response.statusLine()).isEqualTo("HTTP/1.1 426 Upgrade Required");
            }
            Throwable failure = JdkWebSocketClient.handshakeFailure(URI.create("ws://" + proxy.getListen()
                    + upstream.uri().getPath()), null, Duration.ofSeconds(5), null);
            assertThat(failure).isInstanceOf(WebSocketHandshakeException.class);
            assertThat(((WebSocketHandshakeException) failure).getResponse().statusCode()).isEqualTo(426);

            JsonArray connections = generic.recording("node").getAsJsonArray("connections");
            assertThat(connections).hasSize(2);
            for (var connection : connections) {
                JsonObject record = connection.getAsJsonObject();
                assertThat(record.get("outcome").getAsString()).isEqualTo("REJECTED");
                assertThat(record.get("status").getAsInt()).isEqualTo(426);
                assertThat(record.getAsJsonArray("faults").get(0).getAsString()).isEqualTo("strip-upgrade-headers");
            }
        }
    }

    @Test
    void handshakeAndFrameFaultsAsScriptsArmThem() throws Exception {
        try (NettyEchoServer upstream = NettyEchoServer.start()) {
            String listen = create("echo", "127.0.0.1:" + upstream.uri().getPort());
            URI uri = URI.create("ws://" + listen + "/echo");

            post("/proxies/echo/toxics", "{\"name\":\"origins\",\"type\":\"reject_origins\","
                    + "\"attributes\":{\"allowed\":[\"https://app.example\"]}}", 200);
            assertThat(rejection(uri, "https://evil.example")).isEqualTo(403);
            try (JdkWebSocketClient ws = JdkWebSocketClient.connect(uri, null, Duration.ofSeconds(5), "https://app.example")) {
                ws.send("allowed");
                await().atMost(WAIT).until(() -> ws.messages().contains("allowed"));
            }
            delete("/proxies/echo/toxics/origins");

            post("/proxies/echo/toxics", "{\"name\":\"busy\",\"type\":\"respond_with_status\","
                    + "\"attributes\":{\"status\":503,\"headers\":{\"Retry-After\":\"7\"},\"body\":\"busy\"}}", 200);
            InetSocketAddress address = address(listen);
            try (RawHttp raw = RawHttp.connect(address)) {
                RawHttp.Response response = raw.send(RawHttp.upgradeRequest(address, "/echo")).readResponse();
                assertThat(response.statusLine()).isEqualTo("HTTP/1.1 503 Service Unavailable");
                assertThat(response.headers()).containsEntry("retry-after", "7");
                assertThat(response.body()).isEqualTo("busy");
            }
            delete("/proxies/echo/toxics/busy");

            try (JdkWebSocketClient ws = JdkWebSocketClient.connect(uri)) {
                post("/proxies/echo/toxics", "{\"name\":\"restart\",\"type\":\"close_with_code\","
                        + "\"attributes\":{\"code\":1012,\"reason\":\"service restart\"}}", 200);
                assertThat(ws.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1012);
                assertThat(ws.closeReason().get(1, TimeUnit.SECONDS)).isEqualTo("service restart");
            }
            delete("/proxies/echo/toxics/restart");

            post("/proxies/echo/toxics", "{\"name\":\"idle\",\"type\":\"drop_idle\",\"attributes\":{\"timeout\":300}}", 200);
            long start = System.nanoTime(); // before the upgrade, where the idle timer starts
            try (JdkWebSocketClient ws = JdkWebSocketClient.connect(uri)) {
                // Tolerance: at least the 300 ms timeout, at most 2.7 s more on a loaded machine.
                assertThat(ws.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1006);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(300), Duration.ofSeconds(3));
            }

            // The client may see the drop before the proxy has finished recording its side of it.
            await().atMost(Duration.ofSeconds(10)).until(() -> json(get("/proxies/echo/recording")).at("/connections/4/close/closer").isTextual());
            JsonNode recording = json(get("/proxies/echo/recording"));
            assertThat(recording.get("attempts").asInt()).isEqualTo(5);
            List<String> firstFaults = new ArrayList<>();
            recording.get("connections").forEach(c -> firstFaults.add(c.get("faults").size() == 0 ? "-" : c.get("faults").get(0).asText()));
            assertThat(firstFaults).containsExactly("reject-origins", "reject-origins", "respond-with-status",
                    "close-with-code", "drop-idle");
            JsonNode last = recording.get("connections").get(4);
            assertThat(last.get("close").get("closer").asText()).isEqualTo("proxy");
            assertThat(last.get("close").get("close_frame").asBoolean()).isFalse();
            assertThat(last.get("close").get("reported_code").asInt()).isEqualTo(1006);
            assertThat(recording.get("connections").get(3).get("close").get("code").asInt()).isEqualTo(1012);
        }
    }

    /**
     * The bodies {@code toxiproxy-cli toxic add -a key=value} sends (cmd/cli/cli.go, parseAttributes: a value that
     * parses as a number goes as a JSON number, any other as a string; no arrays): {@code -a also_upstream=false},
     * {@code -a reason=123}, {@code -a allowed=https://a.example,https://b.example}. Before, each got 400 for its JSON
     * type, and reject_origins could not be armed from the command line at all.
     */
    @Test
    void attributesAsToxiproxyCliSendsThemAreTaken() throws Exception {
        try (NettyEchoServer upstream = NettyEchoServer.start()) {
            String listen = create("echo", "127.0.0.1:" + upstream.uri().getPort());
            URI uri = URI.create("ws://" + listen + "/echo");

            JsonNode origins = json(post("/proxies/echo/toxics", "{\"name\":\"origins\",\"type\":\"reject_origins\","
                    + "\"stream\":\"downstream\",\"toxicity\":1,"
                    + "\"attributes\":{\"status\":403,\"allowed\":\"https://a.example, https://b.example\"}}", 200));
            assertThat(origins.at("/attributes/allowed").toString()).isEqualTo("[\"https://a.example\",\"https://b.example\"]");
            assertThat(rejection(uri, "https://evil.example")).isEqualTo(403);
            try (JdkWebSocketClient ws = JdkWebSocketClient.connect(uri, null, Duration.ofSeconds(5), "https://b.example")) {
                ws.send("allowed");
                await().atMost(WAIT).until(() -> ws.messages().contains("allowed"));
            }
            delete("/proxies/echo/toxics/origins");

            try (JdkWebSocketClient ws = JdkWebSocketClient.connect(uri)) {
                JsonNode close = json(post("/proxies/echo/toxics", "{\"name\":\"cw\",\"type\":\"close_with_code\","
                        + "\"stream\":\"downstream\",\"toxicity\":1,"
                        + "\"attributes\":{\"code\":4001,\"reason\":123,\"also_upstream\":\"false\"}}", 200));
                assertThat(close.at("/attributes/reason").isTextual()).isTrue();
                assertThat(close.at("/attributes/also_upstream").isBoolean()).isTrue();
                assertThat(ws.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(4001);
                assertThat(ws.closeReason().get(1, TimeUnit.SECONDS)).isEqualTo("123");
            }
        }
    }

    @Test
    void theSameSeedHitsTheSameAttempts() throws Exception {
        try (NettyEchoServer upstream = NettyEchoServer.start()) {
            List<Boolean> first = hits(upstream, 42);
            List<Boolean> again = hits(upstream, 42);
            List<Boolean> other = hits(upstream, 7);
            System.out.println("toxicity 0.5 hits, seed 42: " + first + ", again: " + again + ", seed 7: " + other);
            assertThat(again).isEqualTo(first);
            assertThat(first).contains(true, false);
            // 16 independent draws: two seeds agreeing on all of them has a chance of 1 in 65 536.
            assertThat(other).isNotEqualTo(first);
        }
    }

    /** Which of 16 attempts a toxicity-0.5 toxic hit, on a fresh server with {@code seed}. */
    private List<Boolean> hits(NettyEchoServer upstream, long seed) throws Exception {
        server.close();
        server = ChaosServer.builder().port(0).seed(seed).start();
        String listen = create("seeded", "127.0.0.1:" + upstream.uri().getPort());
        post("/proxies/seeded/toxics", "{\"type\":\"respond_with_status\",\"toxicity\":0.5,\"attributes\":{\"status\":503}}", 200);
        InetSocketAddress address = address(listen);
        for (int i = 0; i < 16; i++) {
            try (RawHttp raw = RawHttp.connect(address)) {
                raw.send(RawHttp.upgradeRequest(address, "/echo")).readHead();
            }
        }
        await().atMost(WAIT).until(() -> json(get("/proxies/seeded/recording")).get("attempts").asInt() == 16);
        List<Boolean> hits = new ArrayList<>();
        json(get("/proxies/seeded/recording")).get("connections")
                .forEach(c -> hits.add(c.get("status").asInt() == 503));
        return hits;
    }

    private String create(String name, String upstream) throws Exception {
        JsonNode created = json(post("/proxies", "{\"name\":\"" + name + "\",\"listen\":\"127.0.0.1:0\",\"upstream\":\""
                + upstream + "\"}", 201));
        return created.get("listen").asText();
    }

    private int rejection(URI uri, String origin) {
        Throwable failure = JdkWebSocketClient.handshakeFailure(uri, null, Duration.ofSeconds(5), origin);
        assertThat(failure).isInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) failure).getResponse().statusCode();
    }

    private String post(String path, String body, int expected) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri().resolve(path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
        return response.body();
    }

    private void delete(String path) throws Exception {
        assertThat(http.send(HttpRequest.newBuilder(server.uri().resolve(path)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(204);
    }

    private String get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static JsonNode json(String text) throws Exception {
        return ProxyCollection.MAPPER.readTree(text);
    }

    private static InetSocketAddress address(String listen) {
        int colon = listen.lastIndexOf(':');
        return new InetSocketAddress(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1)));
    }
}
