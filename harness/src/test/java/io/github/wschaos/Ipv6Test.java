package io.github.wschaos;

import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.github.wschaos.api.ChaosServer;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.JettyEchoServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** IPv6 loopback on either side: a server that listens on {@code ::1} only, and a proxy listening there itself. */
class Ipv6Test {

    @BeforeAll
    static void ipv6LoopbackIsThere() {
        boolean available;
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            available = true;
        } catch (Exception e) {
            available = false;
        }
        if (!available && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("this CI machine has no IPv6 loopback (::1); these tests must run in CI");
        }
        assumeThat(available).as("this machine has no IPv6 loopback (::1)").isTrue();
    }

    @Test
    void relaysBetweenIpv6ListenerAndIpv6Upstream() throws Exception {
        try (JettyEchoServer server = JettyEchoServer.start("::1");
                ChaosProxy proxy = ChaosProxy.builder().upstream(server.uri()).listenHost("::1").start()) {
            assertThat(server.uri().getHost()).isEqualTo("[::1]");
            assertThat(proxy.uri()).hasToString("ws://[::1]:" + proxy.port() + "/echo");
            echoThrough(proxy);
            ConnectionRecord record = proxy.recording().attempt(1);
            assertThat(record.remoteAddress()).startsWith("[::1]:").as(record.toString());
            assertThat(record.headers()).containsEntry("host", "[::1]:" + proxy.port());
        }
    }

    @Test
    void anIpv4ListenerReachesAnIpv6OnlyUpstreamAndFaultsStillAct() throws Exception {
        try (JettyEchoServer server = JettyEchoServer.start("::1");
                ChaosProxy proxy = ChaosProxy.start(server.uri())) {
            echoThrough(proxy);
            proxy.inject(Faults.stripUpgradeHeaders());
            assertThat(proxy).within(Duration.ofSeconds(5)).hasAtLeastAttempts(1);
            try (JdkWebSocketClient ignored = JdkWebSocketClient.connect(proxy.uri())) {
                throw new AssertionError("the upgrade should have been refused by Jetty once the headers were stripped");
            } catch (Exception expected) {
                // Jetty's own answer to a request without Upgrade, relayed: see the recording.
            }
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> proxy.recording().attempts() >= 2);
            assertThat(proxy.recording().attempt(2).status()).isEqualTo(404);
        }
    }

    @Test
    void theToxiproxyApiShowsIpv6AddressesInGosForm() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (JettyEchoServer server = JettyEchoServer.start("::1");
                ChaosServer api = ChaosServer.builder().host("::1").port(0).start()) {
            assertThat(api.uri()).hasToString("http://[::1]:" + api.port());
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(api.uri().resolve("/proxies"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"six\",\"listen\":\"[::1]:0\","
                            + "\"upstream\":\"[::1]:" + server.uri().getPort() + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            ChaosProxy proxy = api.proxy("six").orElseThrow();
            // Toxiproxy (Go's net.Listener.Addr().String()) shows "[::1]:port", never the expanded 0:0:0:0:0:0:0:1.
            assertThat(created.body()).contains("\"listen\":\"[::1]:" + proxy.port() + "\"");
            try (JdkWebSocketClient ws = JdkWebSocketClient.connect(proxy.uri("/echo"))) {
                ws.send("over ipv6, through the API's proxy");
                Awaitility.await().atMost(5, TimeUnit.SECONDS)
                        .until(() -> ws.messages().contains("over ipv6, through the API's proxy"));
            }
        }
    }

    private static void echoThrough(ChaosProxy proxy) throws Exception {
        try (JdkWebSocketClient ws = JdkWebSocketClient.connect(proxy.uri())) {
            ws.send("over ipv6");
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> ws.messages().contains("over ipv6"));
        }
    }
}
