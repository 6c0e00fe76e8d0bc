package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.RequiredTool;
import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.JettyEchoServer;
import io.github.wschaos.testing.NginxServer;
import io.github.wschaos.testing.RawHttp;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An upstream host name that resolves to several addresses, side by side with nginx 1.22.1: like {@code localhost}
 * on most machines, {@value #DUAL_STACK} resolves to {@code 127.0.0.1} and {@code ::1} (CI adds it to
 * {@code /etc/hosts}), and the JVM lists {@code 127.0.0.1} first. A server that listens on {@code ::1} only, as Node
 * does for {@code localhost} on many systems, is reached through nginx, which tries the next address when a connect
 * is refused, and so through the proxy.
 */
class UpstreamAddressesTest {

    static final String DUAL_STACK = "wschaos-dual-stack.test";

    @BeforeAll
    static void dualStackNameResolves() {
        List<String> addresses;
        try {
            addresses = Arrays.stream(InetAddress.getAllByName(DUAL_STACK)).map(InetAddress::getHostAddress).toList();
        } catch (UnknownHostException e) {
            addresses = List.of();
        }
        if (addresses.equals(List.of("127.0.0.1", "0:0:0:0:0:0:0:1"))) {
            return;
        }
        String message = DUAL_STACK + " must resolve to 127.0.0.1, then ::1 (it resolves to " + addresses
                + "); add '127.0.0.1 " + DUAL_STACK + "' and '::1 " + DUAL_STACK + "' to /etc/hosts";
        RequiredTool.missing(message);
    }

    @Test
    void aServerOnTheSecondAddressOnlyIsReachedAsThroughNginx() throws Exception {
        try (JettyEchoServer server = JettyEchoServer.start("::1")) {
            URI byName = URI.create("ws://" + DUAL_STACK + ":" + server.uri().getPort() + "/echo");
            try (NginxServer nginx = NginxServer.builder(byName).start();
                    RawHttp http = RawHttp.connect(nginx.address())) {
                assertThat(http.send(RawHttp.upgradeRequest(nginx.address(), "/echo")).readHead().status())
                        .as("nginx, the reference").isEqualTo(101);
            }
            try (ChaosProxy proxy = ChaosProxy.start(byName);
                    JdkWebSocketClient ws = JdkWebSocketClient.connect(proxy.uri())) {
                ws.send("over ::1");
                Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> ws.messages().contains("over ::1"));
                assertThat(proxy.recording().attempt(1).outcome()).isEqualTo(Outcome.UPGRADED);
            }
        }
    }

    @Test
    void whenNoAddressAcceptsTheClientGets502NamingEachAddressTried() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            closedPort = probe.getLocalPort();
        }
        try (ChaosProxy proxy = ChaosProxy.start(URI.create("ws://" + DUAL_STACK + ":" + closedPort + "/"));
                RawHttp http = RawHttp.connect(proxy.address())) {
            assertThat(http.send(RawHttp.upgradeRequest(proxy.address(), "/")).readResponse().status()).isEqualTo(502);
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> proxy.recording().attempt(1).isClosed());
            assertThat(proxy.recording().attempt(1).failure())
                    .contains("127.0.0.1:" + closedPort, "[::1]:" + closedPort);
        }
    }
}
