package io.github.wschaos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.testing.NettyEchoServer;
import io.github.wschaos.testing.NginxServer;
import io.github.wschaos.testing.OpenFiles;
import io.github.wschaos.testing.RawHttp;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A proxy that runs out of file descriptors, as a long-running {@code wschaos proxy} in front of a load test can: the
 * client whose connection was accepted but whose upstream socket could not be opened gets the proxy's {@code 500},
 * as from nginx (checked here against a real one, whose log then says "socket() failed (24: Too many open files) while
 * connecting to upstream"), the record says why, and once descriptors are free again the proxy relays as before. Each
 * proxy runs in a process of its own, whose soft open-files limit the test lowers with {@code prlimit} to exactly one
 * more descriptor than it has open: room for the accepted connection, none for its upstream.
 */
class OpenFilesLimitTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String INTERNAL_SERVER_ERROR = "HTTP/1.1 500 Internal Server Error";

    private NettyEchoServer upstream;

    @BeforeEach
    void start() {
        OpenFiles.assumeAvailable();
        upstream = NettyEchoServer.start();
    }

    @AfterEach
    void stop() {
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void aClientWhoseUpstreamSocketCannotBeOpenedGets500AndTheProxyRecoversOnceDescriptorsAreFree() throws Exception {
        try (ProxyProcess proxy = ProxyProcess.start("--upstream", upstream.uri().toString(), "--listen", "127.0.0.1:0")) {
            URI uri = proxy.uri(WAIT);
            InetSocketAddress address = new InetSocketAddress(uri.getHost(), uri.getPort());
            // One upgrade first, so that the proxy has loaded what a connection needs and holds no descriptor for it after.
            assertThat(upgradeStatus(address)).isEqualTo(101);
            await().atMost(WAIT).until(() -> proxy.lines().stream().filter(line -> line.startsWith("CLOSED ")).count() == 1);

            RawHttp.Response refused = answerAtTheLimit(proxy.pid(), address);

            assertThat(refused.statusLine()).isEqualTo(INTERNAL_SERVER_ERROR);
            assertThat(refused.body()).contains("<title>500 Internal Server Error</title>");
            await().atMost(WAIT).untilAsserted(() -> assertThat(proxy.lines())
                    .anyMatch(line -> line.startsWith("CLOSED ") && line.contains("-> REJECTED 500")
                            && line.contains("could not be dialled") && line.contains("Too many open files")));
            assertThat(upgradeStatus(address)).as("an upgrade once descriptors are free again").isEqualTo(101);
            assertThat(proxy.lines()).noneMatch(line -> line.contains("Exception in thread"));
        }
    }

    @Test
    void nginxAnswersTheSame500WhenItsUpstreamSocketCannotBeOpened() throws Exception {
        try (NginxServer nginx = NginxServer.builder(upstream.uri()).workerAsTestUser().start()) {
            assertThat(upgradeStatus(nginx.address())).isEqualTo(101);

            RawHttp.Response refused = answerAtTheLimit(nginx.workerPid(), nginx.address());

            assertThat(refused.statusLine()).isEqualTo(INTERNAL_SERVER_ERROR);
            assertThat(refused.body()).contains("<title>500 Internal Server Error</title>");
            assertThat(upgradeStatus(nginx.address())).isEqualTo(101);
        }
    }

    /** The answer to an upgrade request while {@code pid} has exactly one descriptor free; its limit is restored after. */
    private static RawHttp.Response answerAtTheLimit(long pid, InetSocketAddress address) throws Exception {
        int lowestFree = OpenFiles.lowestFreeWhenSteady(pid, WAIT);
        String softLimit = OpenFiles.softLimit(pid);
        OpenFiles.setSoftLimit(pid, Integer.toString(lowestFree + 1));
        try (RawHttp client = RawHttp.connect(address)) {
            client.send(RawHttp.upgradeRequest(address, "/echo"));
            return client.readResponse();
        } finally {
            OpenFiles.setSoftLimit(pid, softLimit);
        }
    }

    private static int upgradeStatus(InetSocketAddress address) throws IOException {
        try (RawHttp client = RawHttp.connect(address)) {
            client.send(RawHttp.upgradeRequest(address, "/echo"));
            return client.readHead().status();
        }
    }
}
