package io.github.wschaos.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.NettyEchoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A long-running server's recording route stays bounded: it counts every attempt but keeps only the most recent ended
 * connections, across the runs a disable and enable make too.
 */
class RecordingLimitApiTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private NettyEchoServer upstream;
    private ChaosServer server;
    private String listen;

    @BeforeEach
    void start() throws Exception {
        upstream = NettyEchoServer.start();
        server = ChaosServer.builder().port(0).recordingLimit(2).start();
        HttpResponse<String> created = call("POST", "/proxies",
                "{\"name\":\"echo\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:" + upstream.uri().getPort() + "\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        listen = ProxyCollection.MAPPER.readTree(created.body()).get("listen").asText();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        upstream.close();
    }

    @Test
    void keepsTheLastEndedConnectionsAcrossRunsAndCountsEveryAttempt() throws Exception {
        connectAndClose(4);
        assertThat(call("POST", "/proxies/echo", "{\"enabled\":false}").statusCode()).isEqualTo(200);
        assertThat(call("POST", "/proxies/echo", "{\"enabled\":true}").statusCode()).isEqualTo(200);
        connectAndClose(1);

        await().atMost(Duration.ofSeconds(10)).until(() -> attempts(recording()).equals(List.of(3, 4, 5)));
        JsonNode recording = recording();
        assertThat(recording.get("attempts").asInt()).isEqualTo(5);
        assertThat(recording.get("connections").findValuesAsText("outcome")).containsOnly("UPGRADED");
    }

    private void connectAndClose(int times) throws Exception {
        for (int i = 0; i < times; i++) {
            try (JdkWebSocketClient ws = JdkWebSocketClient.connect(URI.create("ws://" + listen + "/echo"))) {
                ws.send("hello");
                await().atMost(Duration.ofSeconds(5)).until(() -> ws.messages().contains("hello"));
            }
        }
    }

    private JsonNode recording() throws Exception {
        HttpResponse<String> response = call("GET", "/proxies/echo/recording", null);
        assertThat(response.statusCode()).isEqualTo(200);
        return ProxyCollection.MAPPER.readTree(response.body());
    }

    private static List<Integer> attempts(JsonNode recording) {
        List<Integer> attempts = new ArrayList<>();
        recording.get("connections").forEach(c -> attempts.add(c.get("attempt").asInt()));
        return attempts;
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(30));
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
