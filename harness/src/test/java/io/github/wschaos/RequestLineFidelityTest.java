package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.NginxServer;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

/**
 * A request line judged byte by byte as nginx 1.22.1 judges it, side by side with nginx in front of the same upstream:
 * what nginx refuses gets its {@code 400} from the proxy too, and at once, also when the line never ends (binary bytes
 * that start like a method). Before, the proxy relayed a target with a control character, a method with a digit, a
 * lowercase {@code http/1.1} or a tab after the method, and held a line with no line break until the request timeout
 * (60 s) and closed without an answer.
 */
class RequestLineFidelityTest {

    @ParameterizedTest(name = "{0}")
    @CsvFileSource(resources = "request-lines.csv", delimiter = '|')
    void isJudgedAsByNginxAndAtOnce(String name, String escaped, int status) throws Exception {
        String request = unescape(escaped);
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    while (connection.readHead() != null) {
                        connection.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                });
                NginxServer nginx = NginxServer.builder(upstream.uri()).start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            // RawHttp reads for at most 5 s: an answer held until the request timeout (60 s) fails here.
            assertThat(statusLine(nginx.address(), request)).as("nginx, the reference").startsWith("HTTP/1.1 " + status + " ");
            assertThat(statusLine(proxy.address(), request)).as("the proxy").startsWith("HTTP/1.1 " + status + " ");
            if (status != 200) {
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> proxy.recording().attempts() == 1
                        && proxy.recording().attempt(1).isClosed());
                ConnectionRecord record = proxy.recording().attempt(1);
                assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
                assertThat(record.status()).isEqualTo(status);
                assertThat(record.failure()).startsWith("malformed request from the client");
                if (request.startsWith("PRI *")) {
                    assertThat(record.failure()).as("what the client is").contains("the HTTP/2 connection preface");
                }
                if (status == 505) {
                    assertThat(record.failure()).contains("\"GET /chat HTTP/", "505 HTTP Version Not Supported");
                }
            }
        }
    }

    /**
     * The same lines as a later request on a keep-alive connection, sent after the first request's answer and pipelined
     * behind it: before, only a connection's first line was judged, so a later one was relayed or, for bytes that no
     * line starts with, held with no answer until the client gave up.
     */
    @ParameterizedTest(name = "{0}")
    @CsvFileSource(resources = "request-lines.csv", delimiter = '|')
    void aLaterRequestIsJudgedAsTheFirst(String name, String escaped, int status) throws Exception {
        String request = unescape(escaped);
        String first = "GET /first HTTP/1.1\r\nHost: x\r\n\r\n";
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    while (connection.readHead() != null) {
                        connection.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                });
                NginxServer nginx = NginxServer.builder(upstream.uri()).start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            for (InetSocketAddress front : new InetSocketAddress[] {nginx.address(), proxy.address()}) {
                String through = front.equals(nginx.address()) ? "nginx, the reference" : "the proxy";
                try (RawHttp http = RawHttp.connect(front)) {
                    assertThat(statusLineOf(http.send(first).readRawHead())).as("%s, the first request", through)
                            .isEqualTo("HTTP/1.1 200 OK");
                    assertThat(statusLineOf(http.send(request.getBytes(StandardCharsets.ISO_8859_1)).readRawHead()))
                            .as("%s, after an answer", through).startsWith("HTTP/1.1 " + status + " ");
                }
                try (RawHttp http = RawHttp.connect(front)) {
                    http.send((first + request).getBytes(StandardCharsets.ISO_8859_1));
                    assertThat(statusLineOf(http.readRawHead())).as("%s, pipelined: the first answer", through)
                            .isEqualTo("HTTP/1.1 200 OK");
                    assertThat(statusLineOf(http.readRawHead())).as("%s, pipelined behind a request", through)
                            .startsWith("HTTP/1.1 " + status + " ");
                }
            }
            if (status != 200) {
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> proxy.recording().attempts() == 2
                        && proxy.recording().attempt(2).isClosed());
                assertThat(proxy.recording().attempt(2).failure()).as("the record of the pipelined one")
                        .startsWith("malformed request from the client: ");
            }
        }
    }

    private static String statusLineOf(String head) {
        return head.substring(0, head.indexOf("\r\n"));
    }

    private static String statusLine(InetSocketAddress address, String request) throws Exception {
        try (RawHttp http = RawHttp.connect(address)) {
            String head = http.send(request.getBytes(StandardCharsets.ISO_8859_1)).readRawHead();
            return head.substring(0, head.indexOf("\r\n"));
        }
    }

    /** The CSV's escapes: {@code \r}, {@code \n}, {@code \t} and {@code \}{@code uXXXX}, as bytes of ISO-8859-1. */
    private static String unescape(String escaped) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c != '\\') {
                text.append(c);
                continue;
            }
            char next = escaped.charAt(++i);
            switch (next) {
                case 'r' -> text.append('\r');
                case 'n' -> text.append('\n');
                case 't' -> text.append('\t');
                case 'u' -> {
                    text.append((char) Integer.parseInt(escaped.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> throw new IllegalArgumentException("unknown escape \\" + next + " in " + escaped);
            }
        }
        return text.toString();
    }
}
