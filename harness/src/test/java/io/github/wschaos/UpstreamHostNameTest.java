package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.JettyEchoServer;
import java.net.InetAddress;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * An upstream given by host name rather than IP literal is resolved when a connection comes in (through the JVM's
 * resolver and its cache) and reached as any other.
 */
class UpstreamHostNameTest {

    @Test
    void anUpstreamNamedLocalhostIsResolvedAndRelayed() throws Exception {
        String loopback = InetAddress.getByName("localhost").getHostAddress();
        try (JettyEchoServer server = JettyEchoServer.start(loopback);
                ChaosProxy proxy = ChaosProxy.start(URI.create("ws://localhost:" + server.uri().getPort() + "/echo"))) {
            for (int i = 1; i <= 2; i++) {
                try (JdkWebSocketClient ws = JdkWebSocketClient.connect(proxy.uri())) {
                    ws.send("by name " + i);
                    String expected = "by name " + i;
                    Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> ws.messages().contains(expected));
                }
            }
            assertThat(proxy.recording().attempt(1).outcome()).isEqualTo(Outcome.UPGRADED);
            assertThat(proxy.recording().attempt(2).outcome()).isEqualTo(Outcome.UPGRADED);
        }
    }
}
