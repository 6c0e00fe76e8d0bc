package io.github.wschaos.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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

    private static final String UPGRADE = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

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
                Duration.ofSeconds(5), Duration.ofSeconds(5), 32 * 1024, 1);
        ConnectionLog log = new ConnectionLog(ConnectionLog.DEFAULT_LIMIT);
        // Nothing is ever sent to the upstream: the set-up fails before the connect.
        ProxyServer server = new ProxyServer(settings, Upstream.of(URI.create("wss://127.0.0.1:9/")), log,
                new FaultEngine(1, 1.0));
        try {
            try (Socket client = new Socket(loopback, server.localAddress().getPort())) {
                client.setSoTimeout(5000);
                client.getOutputStream().write(UPGRADE.getBytes(StandardCharsets.US_ASCII));
                String statusLine = new BufferedReader(new InputStreamReader(client.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine();
                assertThat(statusLine).isEqualTo("HTTP/1.1 502 Bad Gateway");
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
