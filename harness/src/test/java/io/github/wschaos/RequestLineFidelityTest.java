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
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A request line judged byte by byte as nginx 1.22.1 judges it, side by side with nginx in front of the same upstream:
 * what nginx refuses gets its {@code 400} from the proxy too, and at once, also when the line never ends (binary bytes
 * that start like a method). Before, the proxy relayed a target with a control character, a method with a digit, a
 * lowercase {@code http/1.1} or a tab after the method, and held a line with no line break until the request timeout
 * (60 s) and closed without an answer.
 */
class RequestLineFidelityTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "lowercase method        | gET /chat HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n                 | 400",
            "digit in the method     | G3T /chat HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n                 | 400",
            "tab after the method    | GET\\t/chat HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n                | 400",
            "control byte in target  | GET /a\\u0001b HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n            | 400",
            "DEL in the target       | GET /a\\u007fb HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n            | 400",
            "lowercase version       | GET /chat http/1.1\\r\\nHost: x\\r\\n\\r\\n                 | 400",
            "target of a word        | GET chat HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n                  | 400",
            "authority, not CONNECT  | GET 127.0.0.1:80/chat HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n      | 400",
            "bare CR line endings    | GET /chat HTTP/1.1\\rHost: x\\r\\r                          | 400",
            "binary, no line break   | AB\\u0001\\u0002\\u00ff\\u00fe\\u0000                       | 400",
            "method then binary      | GE\\u00ff\\u00fe                                             | 400",
            "target then a control   | GET /a\\u0001                                                | 400",
            "high bytes in target    | GET /caf\\u00e9 HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n            | 200",
            "double spaces           | GET  /chat  HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n              | 200",
            "empty lines first       | \\r\\n\\r\\nGET /chat HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n     | 200",
            "absolute target         | GET http://x/chat HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n         | 200",
            "absolute, port, query   | GET http://a.b:80/chat?q=1 HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n | 200",
            "absolute, IPv6 literal  | GET http://[::1]:80/chat HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n  | 200",
            "absolute, no path       | GET http://x HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n              | 200",
            "scheme without //       | GET http:x HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n                | 400",
            "host with two dots      | GET http://a..b/p HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n         | 400",
            "port not a number       | GET http://a:80x/p HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n        | 400",
            "user in the authority   | GET http://u@a/p HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n          | 400",
            "asterisk and more       | OPTIONS *x HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n                | 400",
            "asterisk                | OPTIONS * HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n                 | 400",
            "HTTP/2 preface          | PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n                      | 400",
            "asterisk, no line end   | PRI *                                                        | 400",
            "version 2, no line end  | GET /chat HTTP/2                                             | 505",
            "version 10              | GET /chat HTTP/10.0\\r\\nHost: x\\r\\n\\r\\n                | 505",
            "major version 0         | GET /chat HTTP/0.9\\r\\nHost: x\\r\\n\\r\\n                 | 400",
            "major version 01        | GET /chat HTTP/01.1\\r\\nHost: x\\r\\n\\r\\n                | 400",
            "no minor version        | GET /chat HTTP/1\\r\\nHost: x\\r\\n\\r\\n                   | 400",
            "minor not a digit       | GET /chat HTTP/1.x\\r\\nHost: x\\r\\n\\r\\n                 | 400",
            "minor over 999          | GET /chat HTTP/1.1000\\r\\nHost: x\\r\\n\\r\\n              | 400",
            "a byte after version    | GET /chat HTTP/1.1x\\r\\nHost: x\\r\\n\\r\\n                | 400",
            "HTTP/1.0                | GET /chat HTTP/1.0\\r\\nHost: x\\r\\n\\r\\n                 | 200"})
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
