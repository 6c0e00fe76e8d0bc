package io.github.wschaos.testcontainers;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import eu.rekawek.toxiproxy.GenericToxics;
import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import io.github.wschaos.testcontainers.support.RequiresDocker;
import io.github.wschaos.testcontainers.support.TestImages;
import io.github.wschaos.testcontainers.support.Ws;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.toxiproxy.ToxiproxyContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Testcontainers' own {@link ToxiproxyContainer} with the wschaos image as a compatible substitute for
 * {@code ghcr.io/shopify/toxiproxy}, driven by toxiproxy-java as a Toxiproxy user drives it: a proxy created on one
 * of the container's proxy ports, a TCP toxic and a WebSocket fault armed, each observed by the JDK's WebSocket
 * client through the mapped port. The echo server shares the container's network namespace, so every hop is on a
 * loopback interface.
 */
@RequiresDocker
class ToxiproxyContainerSubstituteTest {

    private static final DockerImageName WSCHAOS_AS_TOXIPROXY = TestImages.WSCHAOS
            .asCompatibleSubstituteFor("ghcr.io/shopify/toxiproxy");

    private static ToxiproxyContainer toxiproxy;
    private static GenericContainer<?> echo;
    private static ToxiproxyClient client;

    @BeforeAll
    @SuppressWarnings("resource")
    static void start() {
        toxiproxy = LoopbackPorts.publishOnLoopback(new ToxiproxyContainer(WSCHAOS_AS_TOXIPROXY));
        toxiproxy.start(); // its wait strategy: HTTP 200 from /version on 8474
        echo = TestImages.echoServerBeside(toxiproxy);
        echo.start();
        client = new ToxiproxyClient(TestImages.host(toxiproxy), toxiproxy.getControlPort());
    }

    @AfterAll
    static void stop() {
        if (echo != null) {
            echo.stop();
        }
        if (toxiproxy != null) {
            toxiproxy.stop();
        }
    }

    private static URI through(Proxy proxy, int containerPort) {
        assertThat(proxy.getListen()).isEqualTo("0.0.0.0:" + containerPort);
        return URI.create("ws://" + TestImages.host(toxiproxy) + ":" + toxiproxy.getMappedPort(containerPort) + "/echo");
    }

    @Test
    void answersAsToxiproxy() throws Exception {
        assertThat(client.version()).contains("\"version\"");
        assertThat(toxiproxy.getExposedPorts()).contains(8474, 8666, 8697).hasSize(33);
        assertThat(toxiproxy.getContainerInfo().getConfig().getCmd())
                .containsExactly("server", "--api", "0.0.0.0:8474", "--allow-non-loopback");
    }

    @Test
    void latencyToxicDelaysTheEcho() throws Exception {
        Proxy proxy = client.createProxy("latency", "0.0.0.0:8666", "127.0.0.1:8080");
        try {
            URI uri = through(proxy, 8666);
            Duration direct = Ws.echoRoundTrip(uri, "before");

            proxy.toxics().latency("lag", ToxicDirection.DOWNSTREAM, 600);
            Duration delayed = Ws.echoRoundTrip(uri, "with latency");

            proxy.toxics().get("lag").remove();
            Duration after = Ws.echoRoundTrip(uri, "after");
            System.out.printf("echo round trip through the substitute: %d ms, with latency 600 ms: %d ms, removed: %d ms%n",
                    direct.toMillis(), delayed.toMillis(), after.toMillis());
            // The echo comes back downstream, so it waits the 600 ms; a loaded machine may add a few seconds.
            assertThat(delayed).isBetween(Duration.ofMillis(600), Duration.ofMillis(600).plusSeconds(4));
            assertThat(after).isLessThan(Duration.ofMillis(600));
        } finally {
            proxy.delete();
        }
    }

    @Test
    void webSocketFaultThroughAGenericToxicRelaysTheUpstreamsOwnAnswer() throws Exception {
        Proxy proxy = client.createProxy("strip", "0.0.0.0:8667", "127.0.0.1:8080");
        try {
            URI uri = through(proxy, 8667);
            assertThat(Ws.echoRoundTrip(uri, "upgraded")).isPositive();

            GenericToxics generic = new GenericToxics(TestImages.host(toxiproxy), toxiproxy.getControlPort());
            generic.create("strip", "no-upgrade", "strip_upgrade_headers", "downstream", 1f, new JsonObject());
            // The echo server got a plain GET (no Upgrade, as behind nginx without upgrade configuration) and
            // answered 426 itself; the substitute relayed that answer.
            assertThat(Ws.handshakeStatus(uri)).isEqualTo(426);
            JsonObject last = generic.recording("strip").getAsJsonArray("connections").get(1).getAsJsonObject();
            assertThat(last.get("outcome").getAsString()).isEqualTo("REJECTED");
            assertThat(last.get("status").getAsInt()).isEqualTo(426);

            generic.remove("strip", "no-upgrade");
            assertThat(Ws.echoRoundTrip(uri, "upgraded again")).isPositive();
        } finally {
            proxy.delete();
        }
    }
}
