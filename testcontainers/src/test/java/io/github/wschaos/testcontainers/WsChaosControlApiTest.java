package io.github.wschaos.testcontainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.wschaos.testcontainers.peer.ReconnectingClientMain;
import io.github.wschaos.testcontainers.support.RequiresDocker;
import io.github.wschaos.testcontainers.support.TestImages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;

/**
 * The wschaos image through {@link WsChaosContainer} with its default command, the control API: proxies created with
 * {@link WsChaosContainer#proxy}, WebSocket faults armed on them, a real reconnecting client (the JDK's) on the host
 * observing each. The echo server shares the container's network namespace (every hop on a loopback interface).
 */
@RequiresDocker
@SuppressWarnings("try") // resources held open for the test's duration, not referenced
class WsChaosControlApiTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static WsChaosContainer chaos;
    private static GenericContainer<?> echo;

    @BeforeAll
    @SuppressWarnings("resource")
    static void start() {
        // Seven proxy ports, for the seven proxies below: each published port costs the engine seconds on a busy machine.
        chaos = LoopbackPorts.publishOnLoopback(new WsChaosContainer(TestImages.WSCHAOS).withProxyPortCount(7));
        chaos.start();
        echo = TestImages.echoServerBeside(chaos);
        echo.start();
    }

    @AfterAll
    static void stop() {
        if (echo != null) {
            echo.stop();
        }
        if (chaos != null) {
            chaos.stop();
        }
    }

    private static JsonNode get(URI uri) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(uri + " answered " + response.body()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }

    @Test
    void controlApiOnTheImagesDefaultCommandWithPortsOnLoopback() throws Exception {
        assertThat(chaos.getContainerInfo().getConfig().getCmd())
                .containsExactly("server", "--api", "0.0.0.0:8474", "--allow-non-loopback");
        URI control = chaos.controlUri();
        assertThat(control.getHost()).isEqualTo("127.0.0.1");
        assertThat(control.getPort()).isEqualTo(chaos.getMappedPort(WsChaosContainer.CONTROL_PORT));
        assertThat(get(control.resolve("/version")).get("version").asText()).isEqualTo("2.12.0");
        assertThat(chaos.getExposedPorts()).containsExactly(8474, 8666, 8667, 8668, 8669, 8670, 8671, 8672);
        assertThat(chaos.getContainerInfo().getNetworkSettings().getPorts().getBindings().values())
                .allSatisfy(bindings -> assertThat(bindings).allSatisfy(b -> assertThat(b.getHostIp()).isEqualTo("127.0.0.1")));
    }

    @Test
    void stripUpgradeHeadersRelaysTheUpstreamsOwn426UntilDisarmed() {
        WsChaosContainer.Proxy proxy = chaos.proxy("strip", "127.0.0.1:8080");
        WsChaosContainer.Toxic strip = proxy.arm("no-upgrade", "strip_upgrade_headers", Map.of());
        try (ReconnectingClientMain client = ReconnectingClientMain.start(proxy.uri("/echo"), 200, null)) {
            // The echo server got plain GETs (no Upgrade) and answered 426 itself; the proxy relayed its answer.
            await().atMost(WAIT).until(() -> client.events().stream().filter(e -> e.endsWith("status 426")).count() >= 2);
            assertThat(client.events()).noneMatch(e -> e.startsWith("OPEN"));

            strip.close();
            await().atMost(WAIT).until(() -> client.events().stream().anyMatch(e -> e.startsWith("ECHO hello")));
        } finally {
            proxy.delete();
        }
    }

    @Test
    void dropIdleClosesWithoutACloseFrameAndTheClientReconnects() throws Exception {
        WsChaosContainer.Proxy proxy = chaos.proxy("idle", "127.0.0.1:8080");
        try (WsChaosContainer.Toxic idle = proxy.arm("idle", "drop_idle", Map.of("timeout", 600));
             ReconnectingClientMain client = ReconnectingClientMain.start(proxy.uri("/echo"), 200, null)) {
            await().atMost(WAIT).until(() -> client.events().stream().anyMatch(e -> e.startsWith("ECHO hello 2")));
            assertThat(client.events()).containsSubsequence("OPEN 1", "ECHO hello 1", "OPEN 2", "ECHO hello 2");
            assertThat(client.events()).anyMatch(e -> e.startsWith("CLOSED 1 1006"));

            JsonNode first = get(chaos.controlUri().resolve("/proxies/idle/recording")).get("connections").get(0);
            assertThat(first.get("faults").get(0).asText()).isEqualTo("drop-idle");
            assertThat(first.get("close").get("closer").asText()).isEqualTo("proxy");
            assertThat(first.get("close").get("close_frame").asBoolean()).isFalse();
        } finally {
            proxy.delete();
        }
    }

    @Test
    void exposesToxiproxysPortsByDefault() {
        try (WsChaosContainer defaults = new WsChaosContainer(TestImages.WSCHAOS)) {
            assertThat(defaults.getExposedPorts()).hasSize(33).startsWith(8474, 8666).endsWith(8697);
        }
    }

    @Test
    void aProxyTheApiRefusesLeavesItsPortFree() {
        WsChaosContainer.Proxy first = chaos.proxy("twice", "127.0.0.1:8080");
        try {
            assertThatThrownBy(() -> chaos.proxy("twice", "127.0.0.1:8080")).hasMessageContaining("answered 409");
            WsChaosContainer.Proxy next = chaos.proxy("after-twice", "127.0.0.1:8080");
            // Before the fix the refused proxy took a port, and the ports ran out early ("All N ... are taken").
            assertThat(next.containerPort()).isEqualTo(first.containerPort() + 1);
            next.delete();
        } finally {
            first.delete();
        }
    }

    @Test
    void namesAreSentAsPathSegmentsAndAToxicKeepsTheNameTheApiGaveIt() throws Exception {
        WsChaosContainer.Proxy proxy = chaos.proxy("my chat", "127.0.0.1:8080");
        try {
            WsChaosContainer.Toxic unnamed = proxy.arm("", "latency", Map.of("latency", 10));
            assertThat(unnamed.name()).isEqualTo("latency_downstream"); // Toxiproxy's default name
            WsChaosContainer.Toxic spaced = proxy.arm("a b", "latency", "upstream", 0.5, Map.of("latency", 10));
            WsChaosContainer.Toxic slashed = proxy.arm("a/b", "latency", Map.of("latency", 10));
            URI toxics = chaos.controlUri().resolve("/proxies/my%20chat/toxics");
            assertThat(get(toxics).size()).isEqualTo(3);
            unnamed.close();
            slashed.close(); // before the fix its DELETE got "404 page not found" and the toxic stayed armed
            spaced.close();
            spaced.close(); // closing again does nothing
            assertThat(get(toxics).size()).isEqualTo(0);
        } finally {
            proxy.delete();
        }
    }

    @Test
    void aRefusedToxicSaysWhy() {
        WsChaosContainer.Proxy proxy = chaos.proxy("refused", "127.0.0.1:8080");
        try {
            assertThatThrownBy(() -> proxy.arm("x", "no_such_toxic", Map.of("allowed", List.of("a"))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("POST " + chaos.controlUri().resolve("/proxies/refused/toxics") + " answered 400")
                    .hasMessageContaining("no_such_toxic");
        } finally {
            proxy.delete();
        }
    }
}
