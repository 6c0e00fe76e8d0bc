package io.github.wschaos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The proxy in a JVM of its own, as the command line runs it, where nothing but the proxy sets Netty's io_uring
 * switches (the test JVMs get {@code io.netty.iouring.pollAddMultishotEnabled=false} from Surefire): an upstream
 * that resets in the middle of its {@code 101} gets every client a {@code 502}. With Netty's multishot
 * {@code POLL_ADD} on, io_uring missed such resets now and then and the client waited until it gave up.
 */
class PeerResetInItsOwnJvmTest {

    private static final int REQUESTS = 300;
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void anUpstreamResetMidHeadGetsEveryClientA502() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    if (connection.readHead() != null) {
                        connection.write(RawUpstream.ascii("HTTP/1.1 101 Switching Prot"));
                        connection.reset();
                    }
                });
                ProxyProcess proxy = ProxyProcess.start("--upstream", upstream.uri().toString(), "--listen", "127.0.0.1:0")) {
            URI uri = proxy.uri(Duration.ofSeconds(30));
            InetSocketAddress address = new InetSocketAddress(uri.getHost(), uri.getPort());
            for (int i = 0; i < REQUESTS; i++) {
                try (RawHttp client = RawHttp.connect(address)) {
                    client.readTimeout(WAIT);
                    assertThat(client.send(RawHttp.upgradeRequest(address, "/chat")).readResponse().status())
                            .as("request %d", i + 1).isEqualTo(502);
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("request " + (i + 1) + " got no answer within " + WAIT.toSeconds()
                            + " s: the upstream's reset was not seen", e);
                }
            }
        }
    }
}
