package io.github.wschaos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.NettyEchoServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The proxy on a classpath without Netty's io_uring and epoll jars, which are optional dependencies of the library: what
 * a library user has unless the application brings them. It starts on NIO and relays, with no error or warning.
 */
class WithoutNativeTransportsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void theProxyRunsOnNioAndRelays() throws Exception {
        List<String> debugTransport = List.of("-Dorg.slf4j.simpleLogger.log.io.github.wschaos.internal.Transport=debug");
        try (NettyEchoServer upstream = NettyEchoServer.start();
                ProxyProcess proxy = ProxyProcess.start(debugTransport, WithoutNativeTransportsTest::notNative,
                        "--upstream", upstream.uri().toString(), "--listen", "127.0.0.1:0")) {
            URI uri = proxy.uri(WAIT);
            try (JdkWebSocketClient client = JdkWebSocketClient.connect(uri)) {
                client.send("through NIO");
                await().atMost(WAIT).until(() -> client.messages().contains("through NIO"));
            }
            assertThat(proxy.lines())
                    .anyMatch(line -> line.contains("wschaos proxy on the nio transport"))
                    .anyMatch(line -> line.contains("no io_uring transport")
                            && line.contains("netty-transport-classes-io_uring is not on the classpath"))
                    .anyMatch(line -> line.contains("no epoll transport"))
                    .noneMatch(line -> line.contains("WARN") || line.contains("Exception in")
                            || line.contains("NoClassDefFoundError"));
        }
    }

    private static boolean notNative(String classPathEntry) {
        return !classPathEntry.contains("netty-transport-classes-") && !classPathEntry.contains("netty-transport-native-io_uring")
                && !classPathEntry.contains("netty-transport-native-epoll");
    }
}
