package io.github.wschaos;

import static io.github.wschaos.testing.RawUpstream.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.testing.NginxServer;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How large a request head gets through, side by side with nginx 1.22.1 in front of the same upstream (one that takes
 * any head): nginx takes header lines up to 8 KiB each and about 32 KiB in all ({@code large_client_header_buffers
 * 4 8k}), so a browser with many cookies gets through, and answers {@code 400} beyond.
 */
class RequestHeadLimitsTest {

    @ParameterizedTest(name = "header lines of {0} bytes -> {1}")
    @CsvSource(delimiter = ';', value = {
            "6000,6000; 200",
            "7000,7000,7000,7000; 200",
            "4000,4000,4000,4000,4000,4000,4000; 200",
            "8100; 200",
            "8200; 400",
            "7000,7000,7000,7000,7000; 400"})
    void theSameHeadsGetThroughAsThroughNginx(String lineSizes, int expected) throws Exception {
        String request = "GET /page HTTP/1.1\r\nHost: 127.0.0.1\r\n" + Arrays.stream(lineSizes.split(","))
                .map(size -> "Cookie: c=" + "a".repeat(Integer.parseInt(size) - "Cookie: c=".length()) + "\r\n")
                .collect(Collectors.joining()) + "\r\n";
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"));
                });
                NginxServer nginx = NginxServer.builder(upstream.uri()).start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            int throughNginx = status(nginx.address(), request);
            int throughProxy = status(proxy.address(), request);

            assertThat(throughNginx).as("nginx, the reference").isEqualTo(expected);
            assertThat(throughProxy).as("the proxy").isEqualTo(throughNginx);
        }
    }

    private static int status(InetSocketAddress address, String request) throws Exception {
        try (RawHttp http = RawHttp.connect(address)) {
            return http.send(request).readResponse().status();
        }
    }
}
