package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.JettyBehindProxy;
import io.github.wschaos.testing.JettyHttpServer;
import io.github.wschaos.testing.JettyHttpServer.Received;
import io.github.wschaos.testing.RawHttp;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Before any upgrade the proxy is an HTTP/1.1 proxy: plain requests reach a real Jetty server and come back intact. */
class HttpProxyingTest {

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    @RegisterExtension
    final JettyBehindProxy jetty = new JettyBehindProxy();

    @Test
    void keepAliveRequestsTravelOverOneConnectionEachSide() throws Exception {
        HttpResponse<String> first = get("/one");
        HttpResponse<String> second = get("/two");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("hello from /one");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).isEqualTo("hello from /two");
        List<Received> received = jetty.server().received();
        assertThat(received).extracting(Received::path).containsExactly("/one", "/two");
        assertThat(received.get(1).clientPort())
                .as("the second request reaches the upstream on the first one's connection")
                .isEqualTo(received.get(0).clientPort());
        assertThat(jetty.proxy().recording().attempts()).isEqualTo(1);
        ConnectionRecord record = jetty.proxy().recording().attempt(1);
        assertThat(record.outcome()).isEqualTo(Outcome.NOT_WEBSOCKET);
        assertThat(record.status()).isEqualTo(200);
        assertThat(record.method() + " " + record.target()).isEqualTo("GET /one");
    }

    @Test
    void aChunkedRequestBodyReachesTheUpstreamIntact() throws Exception {
        String body = "0123456789abcdef".repeat(8 * 1024);
        HttpRequest request = HttpRequest.newBuilder(http("/echo"))
                .timeout(Duration.ofSeconds(5))
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))))
                .build();

        HttpResponse<String> response = client.send(request, BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(body);
        Received received = jetty.server().received().get(0);
        assertThat(received.transferEncoding()).isEqualTo("chunked");
        assertThat(received.body()).isEqualTo(body);
        assertThat(jetty.proxy().recording().attempt(1).outcome()).isEqualTo(Outcome.NOT_WEBSOCKET);
    }

    @Test
    void chunksTravelBothWaysAsChunks() throws Exception {
        try (RawHttp raw = RawHttp.connect(jetty.proxy().address())) {
            raw.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n");
            raw.send("5\r\nhello\r\n");
            raw.send("1\r\n \r\n6\r\nchunky\r\n0\r\n\r\n");

            RawHttp.Response response = raw.readResponse();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.headers()).containsEntry("transfer-encoding", "chunked")
                    .doesNotContainKey("content-length");
            assertThat(response.body()).isEqualTo("hello chunky");
        }
        Received received = jetty.server().received().get(0);
        assertThat(received.transferEncoding()).isEqualTo("chunked");
        assertThat(received.body()).isEqualTo("hello chunky");
    }

    @Test
    void aLongPollAnsweredLaterIsRelayed() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = get("/poll");
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("polled");
        assertThat(tookMillis).isGreaterThanOrEqualTo(JettyHttpServer.POLL_DELAY_MILLIS);
        ConnectionRecord record = jetty.proxy().recording().attempt(1);
        assertThat(record.outcome()).isEqualTo(Outcome.NOT_WEBSOCKET);
        assertThat(record.responseAt().orElseThrow().minus(record.requestAt().orElseThrow()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(JettyHttpServer.POLL_DELAY_MILLIS));
    }

    @Test
    void theHostHeaderReachesTheUpstreamAsTheClientSentIt() throws Exception {
        try (RawHttp raw = RawHttp.connect(jetty.proxy().address())) {
            raw.send("GET /where HTTP/1.1\r\nHost: chat.example.test:8443\r\n\r\n");

            RawHttp.Response response = raw.readResponse();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("hello from /where");
        }
        assertThat(jetty.server().received().get(0).host()).isEqualTo("chat.example.test:8443");
        assertThat(jetty.proxy().recording().attempt(1).header("Host")).hasValue("chat.example.test:8443");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(http(path)).timeout(Duration.ofSeconds(5)).build(), BodyHandlers.ofString());
    }

    private URI http(String path) {
        return URI.create("http://127.0.0.1:" + jetty.proxy().port() + path);
    }
}
