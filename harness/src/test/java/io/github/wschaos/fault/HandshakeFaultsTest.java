package io.github.wschaos.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.EchoBehindProxy;
import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.RawHttp;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Faults that act before the upgrade, seen through the JDK's WebSocket client. */
class HandshakeFaultsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @RegisterExtension
    final EchoBehindProxy echo = new EchoBehindProxy();

    @Test
    void respondWithStatusAnswersInsteadOfTheUpstreamUntilDisarmed() throws Exception {
        try (FaultHandle fault = echo.proxy().inject(Faults.respondWithStatus(503, Map.of("Retry-After", "5"), "busy"))) {
            Throwable failure = JdkWebSocketClient.handshakeFailure(echo.proxy().uri(), null, TIMEOUT, null);
            assertThat(failure).isInstanceOf(WebSocketHandshakeException.class);
            WebSocketHandshakeException handshake = (WebSocketHandshakeException) failure;
            assertThat(handshake.getResponse().statusCode()).isEqualTo(503);
            assertThat(handshake.getResponse().headers().firstValue("Retry-After")).hasValue("5");
            assertThat(fault.hits()).isEqualTo(1);
        }
        assertEchoWorks();
        await().atMost(TIMEOUT).untilAsserted(() -> {
            ConnectionRecord first = echo.proxy().recording().attempt(1);
            assertThat(first.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(first.status()).isEqualTo(503);
            assertThat(first.faults()).containsExactly("respond-with-status");
            assertThat(echo.proxy().recording().attempt(2).faults()).isEmpty();
        });
    }

    @Test
    void respondWithStatusWithoutABodyAnswersNginxsPage() throws Exception {
        echo.proxy().inject(Faults.respondWithStatus(503));
        try (RawHttp raw = RawHttp.connect(echo.proxy().address())) {
            RawHttp.Response response = raw.send(RawHttp.upgradeRequest(echo.proxy().address(), "/")).readResponse();
            // nginx 1.22's own words for 503 (ngx_http_status_lines and its built-in page), not Netty's.
            assertThat(response.statusLine()).isEqualTo("HTTP/1.1 503 Service Temporarily Unavailable");
            assertThat(response.body()).isEqualTo("<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n"
                    + "<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n"
                    + "<hr><center>wschaos</center>\r\n</body>\r\n</html>\r\n");
        }
    }

    @Test
    void respondWithStatus204SendsNoBody() throws Exception {
        echo.proxy().inject(Faults.respondWithStatus(204));
        try (RawHttp raw = RawHttp.connect(echo.proxy().address())) {
            String answer = raw.send(RawHttp.upgradeRequest(echo.proxy().address(), "/")).readToEnd();
            // A 204 ends at its head: no page and no Content-Length, as nginx's "return 204;" answers.
            assertThat(answer).startsWith("HTTP/1.1 204 No Content\r\n").endsWith("\r\n\r\n")
                    .doesNotContainIgnoringCase("content-length").doesNotContain("<html>");
        }
    }

    @Test
    void rejectOriginsAnswers403UnlessTheOriginIsAllowed() throws Exception {
        echo.proxy().inject(Faults.rejectOrigins("https://app.example"));

        Throwable noOrigin = JdkWebSocketClient.handshakeFailure(echo.proxy().uri(), null, TIMEOUT, null);
        Throwable wrongOrigin = JdkWebSocketClient.handshakeFailure(echo.proxy().uri(), null, TIMEOUT, "https://evil.example");
        assertThat(noOrigin).as(String.valueOf(noOrigin)).isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) noOrigin).getResponse().statusCode()).isEqualTo(403);
        assertThat(((WebSocketHandshakeException) wrongOrigin).getResponse().statusCode()).isEqualTo(403);

        try (JdkWebSocketClient allowed = JdkWebSocketClient.connect(echo.proxy().uri(), null, TIMEOUT, "https://app.example")) {
            allowed.send("hi");
            await().atMost(TIMEOUT).until(() -> allowed.messages().contains("hi"));
        }
        assertThat(echo.proxy().recording().attempt(2).failure()).contains("https://evil.example");
        assertThat(echo.proxy().recording().attempt(3).outcome()).isEqualTo(Outcome.UPGRADED);
    }

    @Test
    void rejectOriginsComparesOriginsAsSpringDoesIgnoringCaseAndATrailingSlash() throws Exception {
        // Measured with Spring Boot 3.5 (Tomcat) and setAllowedOrigins("https://app.example"): both of these upgrade.
        echo.proxy().inject(Faults.rejectOrigins("https://app.example/"));

        try (JdkWebSocketClient upperCase = JdkWebSocketClient.connect(echo.proxy().uri(), null, TIMEOUT,
                "https://APP.example")) {
            upperCase.send("hi");
            await().atMost(TIMEOUT).until(() -> upperCase.messages().contains("hi"));
        }
        Throwable otherHost = JdkWebSocketClient.handshakeFailure(echo.proxy().uri(), null, TIMEOUT,
                "https://app.example.evil");
        assertThat(((WebSocketHandshakeException) otherHost).getResponse().statusCode()).isEqualTo(403);
    }

    @Test
    void rejectOriginsUsesTheConfiguredStatus() {
        echo.proxy().inject(Faults.rejectOrigins(401, "https://app.example"));
        Throwable failure = JdkWebSocketClient.handshakeFailure(echo.proxy().uri(), null, TIMEOUT, "https://other.example");
        assertThat(((WebSocketHandshakeException) failure).getResponse().statusCode()).isEqualTo(401);
    }

    @Test
    void refusedConnectionsFailAtOnceAndRecoverWhenDisarmed() throws Exception {
        try (FaultHandle refuse = echo.proxy().inject(Faults.refuseConnections())) {
            Throwable failure = JdkWebSocketClient.handshakeFailure(echo.proxy().uri(), null, TIMEOUT, null);
            assertThat(failure).isInstanceOf(java.io.IOException.class).isNotInstanceOf(HttpTimeoutException.class);
        }
        assertEchoWorks();
        await().atMost(TIMEOUT).untilAsserted(() ->
                assertThat(echo.proxy().recording().attempt(1).outcome()).isEqualTo(Outcome.REFUSED));
    }

    @Test
    void blackholedHandshakesTimeOut() throws Exception {
        try (FaultHandle blackhole = echo.proxy().inject(Faults.blackhole())) {
            Throwable failure = JdkWebSocketClient.handshakeFailure(echo.proxy().uri(), null, Duration.ofMillis(300), null);
            assertThat(failure).isInstanceOf(HttpTimeoutException.class);
        }
        await().atMost(TIMEOUT).untilAsserted(() ->
                assertThat(echo.proxy().recording().attempt(1).outcome()).isEqualTo(Outcome.TIMED_OUT));
        assertEchoWorks();
    }

    @Test
    void aBlackholeDropsTheClientsFinToo() throws Exception {
        // A firewall that drops packets answers no FIN: a client that half-closes when it gives up and waits for the
        // server's (Python's websockets, for its close timeout) goes on waiting, as behind the firewall.
        echo.proxy().inject(Faults.blackhole());
        try (Socket socket = new Socket()) {
            socket.connect(echo.proxy().address(), (int) TIMEOUT.toMillis());
            socket.getOutputStream().write(RawHttp.upgradeRequest(echo.proxy().address(), "/")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            await().atMost(TIMEOUT).untilAsserted(() ->
                    assertThat(echo.proxy().recording().attempt(1).outcome()).isEqualTo(Outcome.TIMED_OUT));
            socket.setSoTimeout(300);
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void delayedHandshakeArrivesLateOrTimesOut() throws Exception {
        echo.proxy().inject(Faults.delayHandshake(Duration.ofMillis(400)));

        long start = System.nanoTime();
        try (JdkWebSocketClient patient = JdkWebSocketClient.connect(echo.proxy().uri(), null, TIMEOUT, null)) {
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        }
        Throwable impatient = JdkWebSocketClient.handshakeFailure(echo.proxy().uri(), null, Duration.ofMillis(150), null);
        assertThat(impatient).isInstanceOf(HttpTimeoutException.class);
        await().atMost(TIMEOUT).untilAsserted(() ->
                assertThat(echo.proxy().recording().attempt(2).outcome()).isEqualTo(Outcome.TIMED_OUT));
    }

    @Test
    void aDelayDelaysAFaultsOwnAnswerInEitherArmingOrder() throws Exception {
        // A proxy whose upstream timed out: 504 after its timeout (haproxy "timeout server 2s": 504 after 2.02 s).
        FaultHandle delay = echo.proxy().inject(Faults.delayHandshake(Duration.ofMillis(400)));
        FaultHandle status = echo.proxy().inject(Faults.respondWithStatus(504));
        assertAnswered504After400Ms();
        delay.close();
        status.close();

        echo.proxy().inject(Faults.respondWithStatus(504));
        echo.proxy().inject(Faults.delayHandshake(Duration.ofMillis(400)));
        assertAnswered504After400Ms();

        Throwable impatient = JdkWebSocketClient.handshakeFailure(echo.proxy().uri(), null, Duration.ofMillis(150), null);
        assertThat(impatient).isInstanceOf(HttpTimeoutException.class);
        await().atMost(TIMEOUT).untilAsserted(() ->
                assertThat(echo.proxy().recording().attempt(3).outcome()).isEqualTo(Outcome.TIMED_OUT));
    }

    private void assertAnswered504After400Ms() throws Exception {
        long start = System.nanoTime();
        Throwable failure = JdkWebSocketClient.handshakeFailure(echo.proxy().uri(), null, TIMEOUT, null);
        assertThat(((WebSocketHandshakeException) failure).getResponse().statusCode()).isEqualTo(504);
        // Tolerance: not before the delay (before the fix the answer came at once); the upper bound is the client's.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void pathTargetsOnlyHitThatPath() throws Exception {
        echo.proxy().inject(Faults.respondWithStatus(404), Target.path("/other"));
        assertEchoWorks();
        Throwable failure = JdkWebSocketClient.handshakeFailure(echo.proxy().uri("/other"), null, TIMEOUT, null);
        assertThat(((WebSocketHandshakeException) failure).getResponse().statusCode()).isEqualTo(404);
    }

    private void assertEchoWorks() throws Exception {
        try (JdkWebSocketClient client = JdkWebSocketClient.connect(echo.proxy().uri())) {
            client.send("still there?");
            await().atMost(TIMEOUT).until(() -> client.messages().contains("still there?"));
        }
    }
}
