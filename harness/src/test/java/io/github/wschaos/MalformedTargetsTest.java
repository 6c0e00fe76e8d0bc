package io.github.wschaos;

import static io.github.wschaos.testing.RawUpstream.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.NginxServer;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Request targets whose path has a broken percent-escape ({@code %} not followed by two hex digits) or a NUL
 * ({@code %00}), side by side with nginx 1.22.1 in front of the same upstream: nginx answers {@code 400 Bad Request}
 * without passing the request on, and so does the proxy, with the reason in the record, where it used to close the
 * connection without an answer. A query string is not decoded, by nginx nor by the proxy: {@code ?q=%zz} passes.
 */
class MalformedTargetsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/a%zz", "/chat%2", "/a%00b"})
    void aBrokenPathGets400AsFromNginx(String target) throws Exception {
        try (RawUpstream upstream = answering200();
                NginxServer nginx = NginxServer.builder(upstream.uri()).start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            assertThat(statusFor(nginx.address(), target)).as("nginx, the reference").isEqualTo(400);

            assertThat(statusFor(proxy.address(), target)).as("the proxy").isEqualTo(400);
            await("the rejection recorded").atMost(TIMEOUT).until(() -> proxy.recording().attempts() == 1
                    && proxy.recording().attempt(1).isClosed());
            ConnectionRecord record = proxy.recording().attempt(1);
            assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(record.status()).isEqualTo(400);
            assertThat(record.failure()).contains("malformed request", target);
            assertThat(upstream.heads()).as("what reached the upstream").isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/a?q=%zz", "/%C3%28"})
    void aBrokenQueryOrAnInvalidUtf8PathPassesAsThroughNginx(String target) throws Exception {
        try (RawUpstream upstream = answering200();
                NginxServer nginx = NginxServer.builder(upstream.uri()).start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            assertThat(statusFor(nginx.address(), target)).as("nginx, the reference").isEqualTo(200);

            assertThat(statusFor(proxy.address(), target)).as("the proxy").isEqualTo(200);
            assertThat(upstream.heads()).last().asString().startsWith("GET " + target + " HTTP/1.1\r\n");
        }
    }

    private static RawUpstream answering200() throws java.io.IOException {
        return RawUpstream.start(connection -> {
            while (connection.readHead() != null) {
                connection.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
            }
        });
    }

    private static int statusFor(InetSocketAddress address, String target) throws Exception {
        try (RawHttp http = RawHttp.connect(address)) {
            http.readTimeout(TIMEOUT);
            return http.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readResponse().status();
        }
    }
}
