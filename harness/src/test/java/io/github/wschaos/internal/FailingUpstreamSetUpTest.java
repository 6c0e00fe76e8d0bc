package io.github.wschaos.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.RawHttp;
import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The upstream side of a connection cannot even be set up (here: no TLS engine can be made for a {@code wss://}
 * upstream): the client gets the proxy's 502, the record says why, and the proxy still closes cleanly.
 */
class FailingUpstreamSetUpTest {

    @Test
    void aTlsEngineThatCannotBeMadeGetsThe502AndTheProxyStillClosesCleanly() throws Exception {
        SslContext broken = new DelegatingSslContext(SslContextBuilder.forClient().build()) {
            @Override
            protected void initEngine(SSLEngine engine) {
                throw new IllegalStateException("no TLS engine for this upstream");
            }
        };
        InetAddress loopback = InetAddress.getLoopbackAddress();
        ProxySettings settings = new ProxySettings(new InetSocketAddress(loopback, 0), null, broken, true,
                Duration.ofSeconds(5), Duration.ofSeconds(5), 32 * 1024, 64 * 1024, 1);
        ConnectionLog log = new ConnectionLog(ConnectionLog.DEFAULT_LIMIT);
        // Nothing is ever sent to the upstream: the set-up fails before the connect.
        ProxyServer server = new ProxyServer(settings, Upstream.of(URI.create("wss://127.0.0.1:9/")), log,
                new FaultEngine(1, 1.0));
        try {
            InetSocketAddress proxy = new InetSocketAddress(loopback, server.localAddress().getPort());
            try (RawHttp client = RawHttp.connect(proxy)) {
                client.send(RawHttp.upgradeRequest(proxy, "/"));
                assertThat(client.readHead().statusLine()).isEqualTo("HTTP/1.1 502 Bad Gateway");
            }
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> log.attempt(1).isClosed());
            ConnectionRecord record = log.attempt(1);
            assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(record.status()).isEqualTo(502);
            assertThat(record.failure()).contains("no TLS engine for this upstream");
        } finally {
            server.close(); // threw 'channel not registered' while the failed upstream channel was still tracked
        }
        assertThat(server.isOpen()).isFalse();
    }
}
