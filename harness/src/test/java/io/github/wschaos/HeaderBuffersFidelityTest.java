package io.github.wschaos;

import static io.github.wschaos.testing.RawUpstream.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.testing.NginxServer;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A request head of long header lines is refused as nginx 1.22.1 refuses it, side by side in front of the same
 * upstream: nginx holds whole lines in each of its 4 buffers of 8 KiB, so 9 lines of 3,000 bytes (27 KB) do not fit
 * where 32 lines of 1,000 bytes (32 KB) do. Before, the proxy counted only the whole head against 32 KiB and passed the
 * 27 KB head on: a "Request Header Or Cookie Too Large" seen behind nginx (a bloated cookie, a large token) could not be
 * reproduced. Nor could the largest heads nginx takes, over 32 KiB in all (4 lines of 8,190 bytes): the HTTP decoder's
 * own limit refused them.
 */
class HeaderBuffersFidelityTest {

    private static RawUpstream upstream;
    private static NginxServer nginx;
    private static ChaosProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        upstream = RawUpstream.start(connection -> {
            while (connection.readHead() != null) {
                connection.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
            }
        });
        nginx = NginxServer.builder(upstream.uri()).start();
        proxy = ChaosProxy.start(upstream.uri());
    }

    @AfterAll
    static void stop() throws Exception {
        io.github.wschaos.testing.Resources.closeAll(proxy, nginx, upstream);
    }

    @ParameterizedTest(name = "{0} lines of {1} bytes: {2}")
    @CsvSource({
            "8,  3000, 200",
            "9,  3000, 400",
            "4,  5000, 200",
            "5,  5000, 400",
            "32, 1000, 200",
            "33, 1000, 400",
            "1,  8192, 200",
            "1,  8193, 400",
            "4,  8190, 200",
            "4,  8192, 400"})
    void aHeadOfLongLinesIsRefusedAsByNginx(int lines, int lineLength, int expected) throws Exception {
        StringBuilder head = new StringBuilder("GET /page HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (int i = 0; i < lines; i++) {
            // "X-Line-NN: " and CRLF are 13 bytes of the line's length
            head.append(String.format("X-Line-%02d: ", i)).append("v".repeat(lineLength - 13)).append("\r\n");
        }
        String request = head.append("\r\n").toString();

        assertThat(status(nginx.address(), request)).as("nginx, the reference").isEqualTo(expected);
        assertThat(status(proxy.address(), request)).as("the proxy").isEqualTo(expected);
    }

    private static int status(InetSocketAddress address, String request) throws Exception {
        try (RawHttp http = RawHttp.connect(address)) {
            http.send(request);
            RawHttp.Response response = http.readResponse();
            if (response.status() == 400) {
                assertThat(response.body()).contains("<title>400 Request Header Or Cookie Too Large</title>");
            }
            return response.status();
        }
    }
}
