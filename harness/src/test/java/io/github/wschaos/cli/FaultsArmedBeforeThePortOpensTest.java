package io.github.wschaos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.testing.NettyEchoServer;
import io.github.wschaos.testing.RawHttp;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A client or readiness check that polls the port of {@code wschaos proxy --fault ...} from the moment the process
 * starts meets the fault on its very first connection: the proxy armed its faults after its port opened, and the
 * first requests were relayed as if none were armed (seen: three plain answers from the upstream, unrecorded too).
 */
class FaultsArmedBeforeThePortOpensTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void theFirstConnectionToTheNewPortMeetsTheFault() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        List<Integer> answers = new CopyOnWriteArrayList<>();
        try (NettyEchoServer upstream = NettyEchoServer.start();
                ProxyProcess proxy = ProxyProcess.start("--upstream", upstream.uri().toString(),
                        "--listen", "127.0.0.1:" + port, "--fault", "tls-mismatch=tls-listener")) {
            InetSocketAddress direct = new InetSocketAddress(upstream.uri().getHost(), upstream.uri().getPort());
            assertThat(status(direct)).as("the upstream's own answer").isEqualTo(101);

            // Polls the port as a readiness check would, from before it opens, every millisecond.
            await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> {
                try {
                    answers.add(status(address));
                    return true;
                } catch (ConnectException notYetListening) {
                    return false;
                }
            });
            answers.add(status(address));
            assertThat(answers).as("TLS expected, a plain request answered as nginx does").containsOnly(400);
            await().atMost(WAIT).untilAsserted(() -> assertThat(proxy.lines()).anyMatch(line -> line.startsWith(
                    "wschaos proxy listening: ws://127.0.0.1:" + port)));
        }
    }

    /** The status of the answer to a WebSocket upgrade of {@code /echo}. */
    private static int status(InetSocketAddress address) throws IOException {
        try (RawHttp http = RawHttp.connect(address)) {
            return http.send(RawHttp.upgradeRequest(address, "/echo")).readHead().status();
        }
    }
}
