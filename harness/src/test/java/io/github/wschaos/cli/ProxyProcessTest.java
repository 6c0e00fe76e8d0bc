package io.github.wschaos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.NettyEchoServer;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code wschaos proxy} as a user runs it: a process of its own that prints the URI to connect to, then one line per
 * connection event, and on Ctrl-C (SIGINT) closes the proxy and ends without an error.
 */
class ProxyProcessTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration EXIT_WAIT = Duration.ofSeconds(90);

    private NettyEchoServer upstream;
    private ProxyProcess proxy;

    @BeforeEach
    void start() throws Exception {
        upstream = NettyEchoServer.start();
        proxy = ProxyProcess.start("--upstream", upstream.uri().toString(), "--listen", "127.0.0.1:0",
                "--fault", "blackhole@upgrades");
    }

    @AfterEach
    void stop() {
        proxy.close();
        upstream.close();
    }

    @Test
    void printsTheUriThenEachConnectionEventAndEndsCleanlyOnCtrlC() throws Exception {
        assertThat(proxy.listeningLine(WAIT)).endsWith(" with [blackhole@upgrades]");
        URI uri = proxy.uri(WAIT);

        // The armed fault swallows the upgrade: the client's handshake times out, and the events say so.
        Throwable failure = JdkWebSocketClient.handshakeFailure(uri, null, Duration.ofMillis(500), null);
        assertThat(failure).isInstanceOf(HttpTimeoutException.class);
        await().atMost(WAIT).untilAsserted(() -> assertThat(proxy.lines())
                .anyMatch(line -> line.startsWith("ACCEPTED "))
                .anyMatch(line -> line.startsWith("CLOSED ") && line.contains("TIMED_OUT")));

        Process process = proxy.process();
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
        // The proxy's close is bounded at 15 s (ProxyServer.close); the rest is room for a JVM on a loaded machine, where
        // the exit took over 30 s twice at a load average of 20 to 30.
        assertThat(process.waitFor(EXIT_WAIT.toSeconds(), TimeUnit.SECONDS)).as("exited after SIGINT").isTrue();
        // A JVM ended by SIGINT exits with 128 + 2 once its shutdown hooks (closing the proxy) have run.
        assertThat(process.exitValue()).isEqualTo(130);
        assertThat(proxy.lines()).noneMatch(line -> line.contains("Exception"));
    }
}
