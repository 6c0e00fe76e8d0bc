package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.JettyHttpServer;
import io.github.wschaos.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Plain HTTP requests that real clients send besides upgrades reach a real Jetty server and its answers come back
 * as it wrote them: {@code HEAD} (a length but no body) followed by another request, an HTTP/1.0 request without
 * {@code Host}, and a {@code POST} with {@code Expect: 100-continue} whose body is sent only after the {@code 100}.
 */
class HttpMethodsFidelityTest {

    private JettyHttpServer server;
    private ChaosProxy proxy;

    @BeforeEach
    void start() throws Exception {
        server = JettyHttpServer.start();
        proxy = ChaosProxy.start(server.wsUri());
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        server.close();
    }

    @Test
    void aHeadAnswerHasNoBodyAndTheNextRequestOnTheConnectionGetsItsOwn() throws Exception {
        try (RawHttp raw = RawHttp.connect(proxy.address())) {
            RawHttp.Response head = raw.send("HEAD /page HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readHead();
            RawHttp.Response next = raw.send("GET /next HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readResponse();

            assertThat(head.status()).isEqualTo(200);
            assertThat(head.headers()).containsEntry("content-length", String.valueOf("hello from /page".length()));
            assertThat(next.status()).as("the answer after HEAD, read right after HEAD's head").isEqualTo(200);
            assertThat(next.body()).isEqualTo("hello from /next");
        }
        assertThat(server.received()).extracting(JettyHttpServer.Received::method).containsExactly("HEAD", "GET");
    }

    @Test
    void anHttp10RequestIsAnsweredAndTheConnectionEnds() throws Exception {
        try (RawHttp raw = RawHttp.connect(proxy.address())) {
            String answer = raw.send("GET /old HTTP/1.0\r\n\r\n").readToEnd();

            assertThat(answer).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\nhello from /old");
        }
        assertThat(proxy.recording().attempt(1).outcome()).isEqualTo(Outcome.NOT_WEBSOCKET);
        assertThat(proxy.recording().attempt(1).status()).isEqualTo(200);
    }

    @Test
    void aPostExpectingContinueGets100ThenItsAnswer() throws Exception {
        String body = "x".repeat(1000);
        try (RawHttp raw = RawHttp.connect(proxy.address())) {
            RawHttp.Response interim = raw.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: " + body.length() + "\r\nExpect: 100-continue\r\n\r\n").readHead();
            assertThat(interim.status()).isEqualTo(100);

            RawHttp.Response response = raw.send(body).readResponse();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(body);
        }
        assertThat(server.received()).singleElement().satisfies(received -> assertThat(received.body()).isEqualTo(body));
        assertThat(proxy.recording().attempt(1).status()).as("the final status, not the 100").isEqualTo(200);
    }
}
