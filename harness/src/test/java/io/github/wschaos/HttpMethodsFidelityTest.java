package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.JettyBehindProxy;
import io.github.wschaos.testing.JettyHttpServer;
import io.github.wschaos.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Plain HTTP requests that real clients send besides upgrades reach a real Jetty server and its answers come back
 * as it wrote them: {@code HEAD} (a length but no body) followed by another request, an HTTP/1.0 request without
 * {@code Host}, and a {@code POST} with {@code Expect: 100-continue} whose body is sent only after the {@code 100}.
 */
class HttpMethodsFidelityTest {

    @RegisterExtension
    final JettyBehindProxy jetty = new JettyBehindProxy();

    @Test
    void aHeadAnswerHasNoBodyAndTheNextRequestOnTheConnectionGetsItsOwn() throws Exception {
        try (RawHttp raw = RawHttp.connect(jetty.proxy().address())) {
            RawHttp.Response head = raw.send("HEAD /page HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readHead();
            RawHttp.Response next = raw.send("GET /next HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readResponse();

            assertThat(head.status()).isEqualTo(200);
            assertThat(head.headers()).containsEntry("content-length", String.valueOf("hello from /page".length()));
            assertThat(next.status()).as("the answer after HEAD, read right after HEAD's head").isEqualTo(200);
            assertThat(next.body()).isEqualTo("hello from /next");
        }
        assertThat(jetty.server().received()).extracting(JettyHttpServer.Received::method)
                .containsExactly("HEAD", "GET");
    }

    @Test
    void anHttp10RequestIsAnsweredAndTheConnectionEnds() throws Exception {
        try (RawHttp raw = RawHttp.connect(jetty.proxy().address())) {
            String answer = raw.send("GET /old HTTP/1.0\r\n\r\n").readToEnd();

            assertThat(answer).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\nhello from /old");
        }
        assertThat(jetty.proxy().recording().attempt(1).outcome()).isEqualTo(Outcome.NOT_WEBSOCKET);
        assertThat(jetty.proxy().recording().attempt(1).status()).isEqualTo(200);
    }

    @Test
    void aPostExpectingContinueGets100ThenItsAnswer() throws Exception {
        String body = "x".repeat(1000);
        try (RawHttp raw = RawHttp.connect(jetty.proxy().address())) {
            RawHttp.Response interim = raw.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: " + body.length() + "\r\nExpect: 100-continue\r\n\r\n").readHead();
            assertThat(interim.status()).isEqualTo(100);

            RawHttp.Response response = raw.send(body).readResponse();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(body);
        }
        assertThat(jetty.server().received()).singleElement()
                .satisfies(received -> assertThat(received.body()).isEqualTo(body));
        assertThat(jetty.proxy().recording().attempt(1).status()).as("the final status, not the 100").isEqualTo(200);
    }
}
