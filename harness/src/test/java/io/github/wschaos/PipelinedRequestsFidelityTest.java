package io.github.wschaos;

import static io.github.wschaos.testing.RawUpstream.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.fault.Faults;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.NginxServer;
import io.github.wschaos.testing.NodeHttpAndWsServer;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import io.github.wschaos.testing.RawWebSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pipelined requests (sent one after the other before any answer) whose second one the proxy refuses itself are
 * answered in order, side by side with nginx 1.22.1 in front of the same upstream: the first gets the upstream's
 * answer, then the second the refusal, and the connection ends. Before, the refusal was written at once, ahead of the
 * upstream's answer to the first request, which the client then read as the answer to its first request.
 *
 * <p>An upgrade request pipelined behind a plain one goes to the upstream only once the answer before it has ended, as
 * nginx passes it on: a server that answers an upgrade at once (Node's {@code http} with {@code ws}) answered it ahead
 * of the plain request, so the client got its {@code 101} first and the plain answer as WebSocket data.
 */
class PipelinedRequestsFidelityTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String FIRST = "GET /first HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a method nginx answers itself | TRACE /second HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n  | HTTP/1.1 405 Not Allowed | TRACE /second",
            "a broken percent-escape       | GET /%zz HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n        | HTTP/1.1 400 Bad Request | malformed request",
            "a broken chunk size           | POST /up HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\nab\\r\\n0\\r\\n\\r\\n | HTTP/1.1 400 Bad Request | malformed request"})
    void theUpstreamsAnswerToTheFirstComesBeforeTheRefusalOfTheSecond(String what, String second, String refusal,
            String failure) throws Exception {
        String pipelined = FIRST + second.replace("\\r\\n", "\r\n");
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    while (connection.readHead() != null) {
                        connection.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
                    }
                });
                NginxServer nginx = NginxServer.builder(upstream.uri()).start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            assertAnsweredInOrder(nginx.address(), pipelined, refusal, "nginx, the reference");

            assertAnsweredInOrder(proxy.address(), pipelined, refusal, "the proxy");
            await("the connection recorded as closed").atMost(TIMEOUT).until(() -> proxy.recording().attempts() == 1
                    && proxy.recording().attempt(1).isClosed());
            ConnectionRecord record = proxy.recording().attempt(1);
            assertThat(record.outcome()).as("as for the same requests sent one at a time").isEqualTo(Outcome.NOT_WEBSOCKET);
            assertThat(record.status()).isEqualTo(200);
            assertThat(record.failure()).contains(failure);
        }
    }

    @Test
    void fiveHundredPipelinedRequestsAreAllAnsweredInOrderAsByNginx() throws Exception {
        StringBuilder pipelined = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            pipelined.append("GET /r").append(i).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        }
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    for (String head = connection.readHead(); head != null; head = connection.readHead()) {
                        String path = head.substring(4, head.indexOf(' ', 4));
                        connection.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + path.length() + "\r\n\r\n" + path));
                    }
                });
                NginxServer nginx = NginxServer.builder(upstream.uri()).start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            assertAllAnsweredInOrder(nginx.address(), pipelined.toString(), 500, "nginx, the reference");

            // Before, Netty's limit of 128 pipelined requests failed the connection with no answer at all.
            assertAllAnsweredInOrder(proxy.address(), pipelined.toString(), 500, "the proxy");
        }
    }

    private static void assertAllAnsweredInOrder(InetSocketAddress address, String pipelined, int count, String through)
            throws Exception {
        try (RawHttp http = RawHttp.connect(address)) {
            http.send(pipelined);
            for (int i = 0; i < count; i++) {
                assertThat(http.readResponse().body()).as(through + ", answer " + i).isEqualTo("/r" + i);
            }
        }
    }

    @Test
    void anUpgradePipelinedBehindAPlainRequestIsAnsweredSecondAsByNginx() throws Exception {
        try (NodeHttpAndWsServer upstream = NodeHttpAndWsServer.start();
                NginxServer nginx = NginxServer.builder(upstream.uri()).start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            assertPlainAnswerThenUpgrade(nginx.address(), "nginx, the reference");

            assertPlainAnswerThenUpgrade(proxy.address(), "the proxy");
            await("the connection recorded as upgraded").atMost(TIMEOUT).until(() -> proxy.recording().attempts() == 1
                    && proxy.recording().attempt(1).outcome() == Outcome.UPGRADED);
            assertThat(proxy.recording().attempt(1).status()).isEqualTo(101);
        }
    }

    @Test
    void anUpgradePipelinedBehindAPlainRequestHeldByADelayIsAnsweredSecond() throws Exception {
        try (NodeHttpAndWsServer upstream = NodeHttpAndWsServer.start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            // The delay holds both requests (the second arrives while the first is held); both go on together after it.
            proxy.inject(Faults.delayHandshake(Duration.ofMillis(200)));

            assertPlainAnswerThenUpgrade(proxy.address(), "the proxy, after the delay");
        }
    }

    private static void assertPlainAnswerThenUpgrade(InetSocketAddress address, String through) throws Exception {
        try (RawHttp http = RawHttp.connect(address)) {
            http.send("GET /page HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" + RawHttp.upgradeRequest(address, "/chat"));

            RawHttp.Response first = http.readResponse();
            assertThat(first.statusLine()).as(through + ", the first answer").isEqualTo("HTTP/1.1 200 OK");
            assertThat(first.body()).isEqualTo("/page");
            assertThat(http.readHead().statusLine()).as(through + ", the second answer")
                    .isEqualTo("HTTP/1.1 101 Switching Protocols");
            RawWebSocket webSocket = RawWebSocket.over(http);
            webSocket.sendText("after both answers");
            assertThat(webSocket.readFrame(0x81)).as(through + ", the echo").isEqualTo("after both answers");
        }
    }

    @Test
    void aRefusalAfterAnAnswerThatRunsUntilTheCloseIsDroppedWithTheConnection() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(ascii("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nthe body runs until the close"));
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            http.send(FIRST + "TRACE /second HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

            String received = http.readToEnd();

            assertThat(received).as("no refusal appended to a body that ends with the connection")
                    .startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nthe body runs until the close");
        }
    }

    @Test
    void aRefusalAfterAnAnswerThatSaysConnectionCloseIsDroppedWithTheConnection() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"));
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            http.send(FIRST + "TRACE /second HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

            String received = http.readToEnd();

            assertThat(received).as("nothing after an answer that said the connection ends")
                    .startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nok");
        }
    }

    @Test
    void aRefusalWaitingForAnUpstreamThatClosesUnansweredEndsWithTheConnection() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> connection.readHead()); // then closes
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            http.send(FIRST + "TRACE /second HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

            String received = http.readToEnd();

            // The first request gets nginx's 502; the refusal that waited for it is dropped with the connection (the
            // leak detector fails the class if its buffer is not released).
            assertThat(received).startsWith("HTTP/1.1 502 Bad Gateway\r\n").doesNotContain("405");
            await("the connection recorded as closed").atMost(TIMEOUT).until(() -> proxy.recording().attempt(1).isClosed());
            assertThat(proxy.recording().attempt(1).failure()).as("what happened, not the refusal that was never written")
                    .contains("closed the connection before answering").doesNotContain("TRACE");
        }
    }

    private static void assertAnsweredInOrder(InetSocketAddress address, String pipelined, String refusal,
            String through) throws Exception {
        try (RawHttp http = RawHttp.connect(address)) {
            http.send(pipelined);

            RawHttp.Response first = http.readResponse();
            assertThat(first.statusLine()).as(through + ", the first answer").isEqualTo("HTTP/1.1 200 OK");
            assertThat(first.body()).isEqualTo("ok");
            assertThat(http.readResponse().statusLine()).as(through + ", the second answer").isEqualTo(refusal);
            assertThat(http.readToEnd()).as(through + ", then the end of the connection").isEmpty();
        }
    }
}
