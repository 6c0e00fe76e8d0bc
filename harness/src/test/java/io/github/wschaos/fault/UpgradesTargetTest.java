package io.github.wschaos.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.record.Closer;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.JettyBehindProxy;
import io.github.wschaos.testing.JettyHttpServer;
import io.github.wschaos.testing.JettyHttpServer.Received;
import io.github.wschaos.testing.RawHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link Target#upgrades()}: a firewall or corporate proxy that lets plain HTTP through but drops, resets or answers
 * WebSocket upgrades. The upstream is a real Jetty server that answers plain requests and upgrades {@code /ws}; the
 * clients are the JDK's HTTP and WebSocket clients.
 */
class UpgradesTargetTest {

    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofMillis(500);
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(WAIT).build();
    @RegisterExtension
    final JettyBehindProxy jetty = new JettyBehindProxy();

    @Test
    void aBlackholeOnUpgradesSwallowsTheUpgradeWhilePlainHttpIsRelayed() throws Exception {
        FaultHandle firewall = jetty.proxy().inject(Faults.blackhole(), Target.upgrades());

        HttpResponse<String> page = get("/page");
        Throwable failure = JdkWebSocketClient.handshakeFailure(ws("/ws"), null, HANDSHAKE_TIMEOUT, null);
        HttpResponse<String> poll = get("/poll");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).isEqualTo("hello from /page");
        assertThat(poll.body()).isEqualTo("polled");
        assertThat(failure).isInstanceOf(HttpTimeoutException.class);
        assertThat(jetty.server().received()).extracting(Received::path)
                .as("the upstream never saw the upgrade").containsExactly("/page", "/poll");
        ConnectionRecord plain = record("/page");
        assertThat(plain.outcome()).isEqualTo(Outcome.NOT_WEBSOCKET);
        assertThat(plain.faults()).isEmpty();
        ConnectionRecord upgrade = record("/ws");
        assertThat(upgrade.faults()).containsExactly("blackhole");
        assertThat(upgrade.responseAt()).isEmpty();
        assertThat(firewall.hits()).isEqualTo(1);

        firewall.close();
        try (JdkWebSocketClient client = JdkWebSocketClient.connect(ws("/ws"))) {
            client.send("through");
            await().atMost(WAIT).until(() -> client.messages().contains("through"));
        }
    }

    @Test
    void aBlackholedUpgradeIsHeldOpenUntilTheClientGivesUp() throws Exception {
        jetty.proxy().inject(Faults.blackhole(), Target.upgrades());

        try (RawHttp client = RawHttp.connect(jetty.proxy().address())) {
            client.send(RawHttp.upgradeRequest(jetty.proxy().address(), "/ws"));
            client.readTimeout(Duration.ofMillis(300));
            assertThatThrownBy(client::readHead).as("no answer, and the connection stays open")
                    .isInstanceOf(java.net.SocketTimeoutException.class);
        }

        await().atMost(WAIT).untilAsserted(() -> {
            ConnectionRecord upgrade = jetty.proxy().recording().attempt(1);
            assertThat(upgrade.outcome()).isEqualTo(Outcome.TIMED_OUT);
            assertThat(upgrade.close()).hasValueSatisfying(close -> assertThat(close.closer()).isEqualTo(Closer.CLIENT));
        });
        assertThat(jetty.server().received()).isEmpty();
    }

    @Test
    void refuseOnUpgradesResetsTheConnectionOnceTheUpgradeRequestIsRead() throws Exception {
        jetty.proxy().inject(Faults.refuseConnections(), Target.upgrades());

        Throwable failure = JdkWebSocketClient.handshakeFailure(ws("/ws"), null, WAIT, null);
        HttpResponse<String> page = get("/page");

        assertThat(failure).isInstanceOf(IOException.class);
        assertThat(page.body()).isEqualTo("hello from /page");
        assertThat(jetty.server().received()).extracting(Received::path).containsExactly("/page");
        await().atMost(WAIT).untilAsserted(() -> {
            ConnectionRecord upgrade = record("/ws");
            assertThat(upgrade.outcome()).isEqualTo(Outcome.REFUSED);
            assertThat(upgrade.faults()).containsExactly("refuse");
            assertThat(upgrade.close()).hasValueSatisfying(close -> assertThat(close.closer()).isEqualTo(Closer.PROXY));
        });
        assertThat(record("/page").faults()).isEmpty();
    }

    @Test
    void upgradesComposeWithNextAndPath() throws Exception {
        jetty.proxy().inject(Faults.respondWithStatus(403), Target.upgrades().and(Target.next(1)));
        jetty.proxy().inject(Faults.refuseConnections(), Target.upgrades().and(Target.path("/blocked")));

        assertThat(get("/page").statusCode()).as("plain HTTP does not count as one of the next").isEqualTo(200);
        assertThat(upgradeStatus("/ws")).isEqualTo(403);
        assertThat(get("/page").statusCode()).isEqualTo(200);
        assertThat(upgradeStatus("/ws")).isEqualTo(101);
        assertThat(get("/blocked").body()).as("plain HTTP on the blocked path").isEqualTo("hello from /blocked");
        assertThatThrownBy(() -> upgradeStatus("/blocked")).isInstanceOf(IOException.class);
    }

    @Test
    void faultsThatActBeforeTheRequestRejectUpgradeTargets() {
        assertThatThrownBy(() -> jetty.proxy()
                .inject(Faults.forceTlsMismatch(TlsMismatch.TLS_LISTENER), Target.upgrades()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("target 'upgrades'")
                .hasMessageContaining("tls-mismatch acts when the connection is accepted")
                .hasMessageContaining("blackhole, refuse");
        assertThatThrownBy(() -> jetty.proxy().inject(Faults.latency(Duration.ofMillis(10), Direction.BOTH),
                Target.attempts(1, 2).and(Target.upgrades())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attempts 1..2 and upgrades")
                .hasMessageContaining("latency acts on the raw bytes");
        assertThat(jetty.proxy().faults()).isEmpty();
    }

    private int upgradeStatus(String path) throws IOException {
        try (RawHttp client = RawHttp.connect(jetty.proxy().address())) {
            return client.send(RawHttp.upgradeRequest(jetty.proxy().address(), path)).readHead().status();
        }
    }

    private ConnectionRecord record(String path) {
        return jetty.proxy().recording().connections().stream().filter(r -> r.target().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError(
                        "no attempt for " + path + " in " + jetty.proxy().recording().connections()));
    }

    private HttpResponse<String> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + jetty.proxy().port() + path))
                .timeout(WAIT).build();
        return http.send(request, BodyHandlers.ofString());
    }

    private URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + jetty.proxy().port() + path);
    }
}
