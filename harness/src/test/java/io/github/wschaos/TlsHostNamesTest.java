package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.NettyEchoServer;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A TLS listener reached by another name than loopback's (an app in a container, an {@code /etc/hosts} name): the
 * certificate is valid for the names given to {@link ProxyCertificate#generate(String...)}, and only for them.
 */
class TlsHostNamesTest {

    @BeforeAll
    static void dualStackNameResolves() {
        UpstreamAddressesTest.dualStackNameResolves();
    }

    @Test
    void aClientConnectingByAnExtraNameTrustsTheListener() throws Exception {
        ProxyCertificate certificate = ProxyCertificate.generate(UpstreamAddressesTest.DUAL_STACK, "10.0.0.5", "::2");
        try (NettyEchoServer server = NettyEchoServer.start();
                ChaosProxy proxy = ChaosProxy.builder().upstream(server.uri()).tls(certificate).start();
                JdkWebSocketClient client = JdkWebSocketClient.connect(byName(proxy), certificate.sslContext(),
                        Duration.ofSeconds(5), null)) {
            client.send("by name");
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> client.messages().contains("by name"));
        }
    }

    @Test
    void withoutTheNameTheClientFailsOnTheHostName() throws Exception {
        ProxyCertificate certificate = ProxyCertificate.generate();
        try (NettyEchoServer server = NettyEchoServer.start();
                ChaosProxy proxy = ChaosProxy.builder().upstream(server.uri()).tls(certificate).start()) {
            assertThatThrownBy(() -> JdkWebSocketClient.connect(byName(proxy), certificate.sslContext(), Duration.ofSeconds(5), null))
                    .hasStackTraceContaining("No subject alternative DNS name matching " + UpstreamAddressesTest.DUAL_STACK);
        }
    }

    @Test
    void aNameThatIsNeitherDnsNorIpIsRefusedNamingIt() {
        assertThatThrownBy(() -> ProxyCertificate.generate("chat test"))
                .hasMessage("TLS host name 'chat test' is neither a DNS name nor an IP address; accepted are names such as"
                        + " chat.test or wschaos, and IP literals such as 10.0.0.5 or ::1");
        assertThatThrownBy(() -> ProxyCertificate.generate("https://chat.test")).hasMessageContaining("'https://chat.test'");
        assertThatThrownBy(() -> ProxyCertificate.generate("*.example.test")).hasMessageContaining("'*.example.test'");
        assertThatThrownBy(() -> ProxyCertificate.generate("fe80::1%lo")).hasMessageContaining("'fe80::1%lo'");
        assertThatThrownBy(() -> ProxyCertificate.generate("::1::2")).hasMessageContaining("'::1::2'");
    }

    private static URI byName(ChaosProxy proxy) {
        return URI.create("wss://" + UpstreamAddressesTest.DUAL_STACK + ":" + proxy.port() + "/echo");
    }
}
