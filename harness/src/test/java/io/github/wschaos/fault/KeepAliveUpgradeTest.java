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
import io.github.wschaos.testing.NginxServer;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import io.github.wschaos.testing.RawWebSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A WebSocket upgrade that arrives on a connection which carried plain requests before, as it does from a proxy in front
 * that pools its connections to the upstream (nginx with upstream {@code keepalive}, Apache's mod_proxy, haproxy,
 * cloud load balancers): the handshake faults judge it as they judge an upgrade on a new connection, and the record
 * describes it. Before, only a connection's first request was judged, so behind such a proxy an upgrade slipped past a
 * fault whenever it rode a reused connection. The upstream is a real Jetty server; one test puts a real nginx in front.
 */
class KeepAliveUpgradeTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration UPSTREAM_IDLE = Duration.ofMillis(500);

    @RegisterExtension
    final JettyBehindProxy jetty = new JettyBehindProxy();

    @Test
    void anUpgradeAfterPlainRequestsIsAnsweredByTheFaultAndRecordedAsTheConnectionsRequest() throws Exception {
        FaultHandle fault = jetty.proxy().inject(Faults.respondWithStatus(503), Target.upgrades());

        try (RawHttp client = RawHttp.connect(jetty.proxy().address())) {
            assertThat(plainGet(client, "/page").body()).isEqualTo("hello from /page");
            assertThat(plainGet(client, "/poll").body()).isEqualTo("polled");
            RawHttp.Response answer =
                    client.send(RawHttp.upgradeRequest(jetty.proxy().address(), "/ws")).readResponse();
            assertThat(answer.status()).isEqualTo(503);
        }

        assertThat(jetty.server().received()).extracting(Received::path).as("the upstream never saw the upgrade")
                .containsExactly("/page", "/poll");
        assertThat(fault.hits()).isEqualTo(1);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(jetty.proxy().recording().attempts()).isEqualTo(1);
            ConnectionRecord record = jetty.proxy().recording().attempt(1);
            assertThat(record.target()).isEqualTo("/ws");
            assertThat(record.header("upgrade")).hasValue("websocket");
            assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(record.status()).isEqualTo(503);
            assertThat(record.faults()).containsExactly("respond-with-status");
        });
    }

    @Test
    void aPipelinedUpgradeGetsTheFaultsAnswerAfterTheUpstreamsAnswerToTheRequestBeforeIt() throws Exception {
        jetty.proxy().inject(Faults.respondWithStatus(503), Target.upgrades());

        try (RawHttp client = RawHttp.connect(jetty.proxy().address())) {
            // Both in one write: the fault's answer must wait for the upstream's answer to the request before it.
            client.send("GET /poll HTTP/1.1\r\nHost: test\r\n\r\n"
                    + RawHttp.upgradeRequest(jetty.proxy().address(), "/ws"));

            assertThat(client.readResponse().body()).as("the first answer, to the first request").isEqualTo("polled");
            assertThat(client.readResponse().status()).isEqualTo(503);
        }
        assertThat(jetty.server().received()).extracting(Received::path).containsExactly("/poll");
        await().atMost(WAIT).untilAsserted(() -> {
            ConnectionRecord record = jetty.proxy().recording().attempt(1);
            assertThat(record.target()).isEqualTo("/ws");
            assertThat(record.status()).as("the upgrade's answer, not the one to the request before it").isEqualTo(503);
            assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
        });
    }

    @Test
    void aPipelinedRequestBeforeADelayedUpgradeIsNotHeldWithIt() throws Exception {
        // Tolerance: the /poll exchange (Jetty holds its answer 200 ms) must take less than the 3 s delay; held with
        // the upgrade, as before, it took the delay and more.
        Duration delay = Duration.ofSeconds(3);
        jetty.proxy().inject(Faults.delayHandshake(delay), Target.upgrades());

        try (RawHttp client = RawHttp.connect(jetty.proxy().address())) {
            long sent = System.nanoTime();
            client.send("GET /poll HTTP/1.1\r\nHost: test\r\n\r\n"
                    + RawHttp.upgradeRequest(jetty.proxy().address(), "/ws"));

            assertThat(client.readResponse().body()).isEqualTo("polled");
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("time to the first answer").isLessThan(delay);
            assertThat(client.readHead().status()).isEqualTo(101);
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("time to the 101").isGreaterThanOrEqualTo(delay);
        }
        assertThat(jetty.server().received()).extracting(Received::path).containsExactly("/poll", "/ws");
    }

    @Test
    void aLaterPlainRequestThatAFaultAnswersIsNamedInTheRecord() throws Exception {
        // The record holds the connection's first request and its answer; the failure says which request the fault
        // answered (a pooled client's next attempt, say), where before the record said nothing of it.
        try (RawUpstream upstream = RawUpstream.start(KeepAliveUpgradeTest::answerUntilIdle);
                ChaosProxy ownProxy = ChaosProxy.start(upstream.uri())) {
            ownProxy.inject(Faults.respondWithStatus(503), Target.path("/second"));

            try (RawHttp client = RawHttp.connect(ownProxy.address())) {
                assertThat(plainGet(client, "/first").body()).isEqualTo("ok");
                assertThat(plainGet(client, "/second").status()).isEqualTo(503);
            }

            await().atMost(WAIT).untilAsserted(() -> {
                ConnectionRecord record = ownProxy.recording().attempt(1);
                assertThat(record.target()).isEqualTo("/first");
                assertThat(record.failure()).isEqualTo("respond-with-status answered 503 to GET /second (a later request"
                        + " on this kept-alive connection)");
                assertThat(ownProxy.recording().timeline()).contains("why:  respond-with-status answered 503 to GET /second");
            });
        }
    }

    @Test
    void aBlackholedLaterUpgradeHoldsTheClientWhileTheUpstreamConnectionIsClosed() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(KeepAliveUpgradeTest::answerUntilIdle);
                ChaosProxy ownProxy = ChaosProxy.start(upstream.uri())) {
            ownProxy.inject(Faults.blackhole(), Target.upgrades());

            try (RawHttp client = RawHttp.connect(ownProxy.address())) {
                assertThat(plainGet(client, "/a").body()).isEqualTo("ok");
                client.send(RawHttp.upgradeRequest(ownProxy.address(), "/ws"));
                // Longer than the upstream's idle timeout: before, its close closed the client's connection too.
                client.readTimeout(UPSTREAM_IDLE.multipliedBy(3));
                assertThatThrownBy(client::readHead).as("no answer and no close: the client waits")
                        .isInstanceOf(SocketTimeoutException.class);
            }

            assertThat(upstream.heads()).hasSize(1);
            await().atMost(WAIT).untilAsserted(() -> {
                ConnectionRecord record = ownProxy.recording().attempt(1);
                assertThat(record.isClosed()).as("the record is complete once the client gave up").isTrue();
                assertThat(record.target()).isEqualTo("/ws");
                assertThat(record.outcome()).isEqualTo(Outcome.TIMED_OUT);
                assertThat(record.close()).hasValueSatisfying(close -> assertThat(close.closer()).isEqualTo(Closer.CLIENT));
                assertThat(record.faults()).containsExactly("blackhole");
            });
        }
    }

    @Test
    void aDelayedLaterRequestGoesOnANewUpstreamConnectionIfTheOldOneClosedDuringTheDelay() throws Exception {
        // Tolerance: the client sends the upgrade less than UPSTREAM_IDLE after the first answer, so the upstream
        // closes its idle connection during the delay.
        try (RawUpstream upstream = RawUpstream.start(KeepAliveUpgradeTest::answerUntilIdle);
                ChaosProxy ownProxy = ChaosProxy.start(upstream.uri())) {
            ownProxy.inject(Faults.delayHandshake(UPSTREAM_IDLE.multipliedBy(3)), Target.upgrades());

            try (RawHttp client = RawHttp.connect(ownProxy.address())) {
                assertThat(plainGet(client, "/a").body()).isEqualTo("ok");
                RawHttp.Response answer = client.send(RawHttp.upgradeRequest(ownProxy.address(), "/ws")).readResponse();

                assertThat(answer.body()).as("the upstream's answer to the held request").isEqualTo("ok");
            }
            assertThat(upstream.heads()).extracting(head -> head.substring(0, head.indexOf(" HTTP/")))
                    .containsExactly("GET /a", "GET /ws");
            await().atMost(WAIT).untilAsserted(() -> {
                ConnectionRecord record = ownProxy.recording().attempt(1);
                assertThat(record.isClosed()).isTrue();
                assertThat(record.close()).as("the old upstream connection's end is not the record's")
                        .hasValueSatisfying(close -> assertThat(close.closer()).isEqualTo(Closer.CLIENT));
                assertThat(record.failure()).isEmpty();
            });
        }
    }

    @Test
    void anAnswerThatEndsWithTheUpstreamsCloseEndsTheClientsConnectionThoughARequestIsHeldAfterIt() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connections.incrementAndGet();
                    connection.readHead();
                    // No length: the body ends with the connection.
                    connection.write(RawUpstream.ascii("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nfirst"));
                });
                ChaosProxy ownProxy = ChaosProxy.start(upstream.uri())) {
            ownProxy.inject(Faults.delayHandshake(UPSTREAM_IDLE), Target.path("/b"));

            try (RawHttp client = RawHttp.connect(ownProxy.address())) {
                client.send("GET /a HTTP/1.1\r\nHost: test\r\n\r\nGET /b HTTP/1.1\r\nHost: test\r\n\r\n");

                // Before, the held /b went on a new upstream connection once the delay was over, and its answer was
                // read as more of the first body, which then never ended.
                assertThat(client.readResponse().body()).as("the first body, up to the close").isEqualTo("first");
            }
            assertThat(connections).hasValue(1);
        }
    }

    @Test
    void anUpgradeAfterADelayedPlainRequestIsRecordedAsAbortedWhenTheClientLeavesBeforeItsAnswer() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
                    connection.readHead(); // the upgrade, never answered
                    connection.readHead(); // until the proxy closes
                });
                ChaosProxy ownProxy = ChaosProxy.start(upstream.uri())) {
            ownProxy.inject(Faults.delayHandshake(Duration.ofMillis(100)), Target.path("/a"));

            try (RawHttp client = RawHttp.connect(ownProxy.address())) {
                assertThat(plainGet(client, "/a").body()).isEqualTo("ok");
                client.send(RawHttp.upgradeRequest(ownProxy.address(), "/ws"));
                await().atMost(WAIT).until(() -> upstream.heads().size() == 2);
            }

            await().atMost(WAIT).untilAsserted(() -> {
                ConnectionRecord record = ownProxy.recording().attempt(1);
                assertThat(record.isClosed()).isTrue();
                assertThat(record.target()).isEqualTo("/ws");
                assertThat(record.outcome()).as("the delay was the plain request's, not the upgrade's")
                        .isEqualTo(Outcome.ABORTED_BY_CLIENT);
            });
        }
    }

    @Test
    void aHeldRequestWhoseNewUpstreamConnectionFailsGetsA502() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    if (connections.incrementAndGet() == 1) {
                        answerUntilIdle(connection);
                    } else {
                        connection.readHead(); // then closes without an answer
                    }
                });
                ChaosProxy ownProxy = ChaosProxy.start(upstream.uri())) {
            ownProxy.inject(Faults.delayHandshake(UPSTREAM_IDLE.multipliedBy(3)), Target.upgrades());

            try (RawHttp client = RawHttp.connect(ownProxy.address())) {
                assertThat(plainGet(client, "/a").body()).isEqualTo("ok");
                RawHttp.Response answer = client.send(RawHttp.upgradeRequest(ownProxy.address(), "/ws")).readResponse();

                assertThat(answer.status()).as("as from nginx, whose upstream closed without answering").isEqualTo(502);
            }
            assertThat(connections).hasValue(2);
        }
    }

    @Test
    void aDelayedRequestAndABlackholedOnePipelinedAfterItLeaveTheUpstreamUntouched() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(KeepAliveUpgradeTest::answerUntilIdle);
                ChaosProxy ownProxy = ChaosProxy.start(upstream.uri())) {
            ownProxy.inject(Faults.delayHandshake(Duration.ofMillis(300)), Target.path("/a"));
            ownProxy.inject(Faults.blackhole(), Target.path("/b"));

            try (RawHttp client = RawHttp.connect(ownProxy.address())) {
                client.send("GET /a HTTP/1.1\r\nHost: test\r\n\r\nGET /b HTTP/1.1\r\nHost: test\r\n\r\n");
                // Longer than the delay and the upstream's idle timeout together: before, the delay's end dialled
                // the upstream anyway, and its idle close got the client a 502.
                client.readTimeout(UPSTREAM_IDLE.multipliedBy(4));
                assertThatThrownBy(client::readHead).as("the blackhole swallowed the connection: no answer")
                        .isInstanceOf(SocketTimeoutException.class);
            }
            assertThat(upstream.heads()).isEmpty();
        }
    }

    @Test
    void anUpgradeSentWhileTheAnswerBeforeItStreamsIsRecordedWithItsOwnAnswer() throws Exception {
        CountDownLatch upgradeSent = new CountDownLatch(1);
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.ascii("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nok"));
                    try {
                        if (!upgradeSent.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                            return; // the test failed before the upgrade went out: nothing more to answer
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    connection.write(RawUpstream.ascii("ok"));
                    connection.readHead(); // until the proxy closes
                });
                ChaosProxy ownProxy = ChaosProxy.start(upstream.uri())) {
            ownProxy.inject(Faults.respondWithStatus(503), Target.upgrades());

            try (RawHttp client = RawHttp.connect(ownProxy.address())) {
                client.send("GET /a HTTP/1.1\r\nHost: test\r\n\r\n");
                assertThat(client.readHead().status()).isEqualTo(200);
                client.send(RawHttp.upgradeRequest(ownProxy.address(), "/ws"));
                await().atMost(WAIT).until(() -> ownProxy.recording().attempt(1).target().equals("/ws"));
                upgradeSent.countDown();

                assertThat(new String(client.readBytes(4), StandardCharsets.UTF_8)).isEqualTo("okok");
                assertThat(client.readResponse().status()).isEqualTo(503);
            }
            await().atMost(WAIT).untilAsserted(() -> {
                ConnectionRecord record = ownProxy.recording().attempt(1);
                assertThat(record.status()).isEqualTo(503);
                assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
            });
        }
    }

    /** A keep-alive server: answers every request head with 200 "ok" until none comes for UPSTREAM_IDLE. */
    private static void answerUntilIdle(RawUpstream.Connection connection) throws java.io.IOException {
        while (connection.readHead(UPSTREAM_IDLE) != null) {
            connection.write(RawUpstream.ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        }
    }

    @Test
    void rejectOriginsJudgesAnUpgradeOnAKeptAliveConnectionAndPlainRequestsDoNotCountAsHits() throws Exception {
        FaultHandle fault = jetty.proxy().inject(Faults.rejectOrigins("http://good.example"), Target.next(1));

        try (RawHttp client = RawHttp.connect(jetty.proxy().address())) {
            assertThat(plainGet(client, "/page").status()).isEqualTo(200);
            assertThat(client.send(RawHttp.upgradeRequest(jetty.proxy().address(), "/ws")).readResponse().status())
                    .as("an upgrade without Origin, after a plain request on the same connection").isEqualTo(403);
        }
        try (RawHttp client = RawHttp.connect(jetty.proxy().address())) {
            assertThat(client.send(RawHttp.upgradeRequest(jetty.proxy().address(), "/ws")).readHead().status())
                    .as("the next(1) was taken by the upgrade, not by the plain request").isEqualTo(101);
        }

        assertThat(fault.hits()).isEqualTo(1);
        await().atMost(WAIT).untilAsserted(() -> {
            ConnectionRecord rejected = jetty.proxy().recording().attempt(1);
            assertThat(rejected.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(rejected.failure()).isEqualTo("no Origin header is not among [http://good.example]");
        });
    }

    @Test
    void aBlackholeOnUpgradesSwallowsAnUpgradeAfterPlainRequests() throws Exception {
        jetty.proxy().inject(Faults.blackhole(), Target.upgrades());

        try (RawHttp client = RawHttp.connect(jetty.proxy().address())) {
            assertThat(plainGet(client, "/page").body()).isEqualTo("hello from /page");
            client.send(RawHttp.upgradeRequest(jetty.proxy().address(), "/ws"));
            client.readTimeout(Duration.ofMillis(300));
            assertThatThrownBy(client::readHead).as("no answer, and the connection stays open")
                    .isInstanceOf(SocketTimeoutException.class);
        }

        assertThat(jetty.server().received()).extracting(Received::path).containsExactly("/page");
    }

    @Test
    void aDelayedUpgradeOnAKeptAliveConnectionReachesTheUpstreamThatMuchLater() throws Exception {
        Duration delay = Duration.ofMillis(400);
        jetty.proxy().inject(Faults.delayHandshake(delay), Target.upgrades());

        try (RawHttp client = RawHttp.connect(jetty.proxy().address())) {
            assertThat(plainGet(client, "/page").body()).isEqualTo("hello from /page");
            long sent = System.nanoTime();
            RawHttp.Response answer = client.send(RawHttp.upgradeRequest(jetty.proxy().address(), "/ws")).readHead();
            Duration took = Duration.ofNanos(System.nanoTime() - sent);

            assertThat(answer.status()).isEqualTo(101);
            // A lower bound only: the delay is scheduled on the proxy's clock, so the 101 cannot come sooner.
            assertThat(took).as("time to the 101").isGreaterThanOrEqualTo(delay);
            RawWebSocket webSocket = RawWebSocket.over(client);
            webSocket.sendText("after the delay");
            assertThat(webSocket.readFrame(0x81)).isEqualTo("after the delay");
        }
    }

    @Test
    void aFrameFaultTargetedAtAPathHitsAnUpgradeThatFollowsARequestForAnotherPath() throws Exception {
        jetty.proxy().inject(Faults.closeWithCode(1012, "restart"), Target.path("/ws"));

        try (RawHttp client = RawHttp.connect(jetty.proxy().address())) {
            assertThat(plainGet(client, "/health").body()).isEqualTo("hello from /health");
            assertThat(client.send(RawHttp.upgradeRequest(jetty.proxy().address(), "/ws")).readHead().status())
                    .isEqualTo(101);
            byte[] close = client.readBytes(11);

            assertThat(close[0] & 0xff).as("a close frame").isEqualTo(0x88);
            assertThat(((close[2] & 0xff) << 8) | (close[3] & 0xff)).as("its code").isEqualTo(1012);
            assertThat(new String(close, 4, 7, StandardCharsets.UTF_8)).isEqualTo("restart");
        }
    }

    @Test
    void behindNginxWithUpstreamKeepaliveAnUpgradeOnAReusedConnectionMeetsTheFault() throws Exception {
        jetty.proxy().inject(Faults.respondWithStatus(503), Target.upgrades());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(WAIT).build();

        URI proxyUri = URI.create("ws://127.0.0.1:" + jetty.proxy().address().getPort() + "/");
        try (NginxServer nginx = NginxServer.builder(proxyUri)
                .upstreamKeepalive().start()) {
            for (String path : new String[] {"/page", "/poll"}) {
                URI page = URI.create("http://127.0.0.1:" + nginx.address().getPort() + path);
                HttpRequest request = HttpRequest.newBuilder(page).timeout(WAIT).build();
                assertThat(http.send(request, BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            }
            Throwable failure = JdkWebSocketClient.handshakeFailure(nginx.uri("/ws"), null, WAIT, null);

            assertThat(failure).isInstanceOf(WebSocketHandshakeException.class);
            assertThat(((WebSocketHandshakeException) failure).getResponse().statusCode()).isEqualTo(503);
        }
        assertThat(jetty.server().received()).extracting(Received::path).containsExactly("/page", "/poll");
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(jetty.proxy().recording().attempts()).as("nginx sent everything over one kept-alive connection")
                    .isEqualTo(1);
            ConnectionRecord record = jetty.proxy().recording().attempt(1);
            assertThat(record.target()).isEqualTo("/ws");
            assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(record.status()).isEqualTo(503);
        });
    }

    private static RawHttp.Response plainGet(RawHttp client, String path) throws Exception {
        return client.send("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n").readResponse();
    }
}
