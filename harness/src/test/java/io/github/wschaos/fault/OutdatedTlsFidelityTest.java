package io.github.wschaos.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.RequiredTool;
import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.NettyEchoServer;
import io.github.wschaos.testing.NginxServer;
import io.github.wschaos.testing.Resources;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link TlsMismatch#NO_COMMON_PROTOCOL} beside a real nginx that speaks only TLS 1.0 and 1.1: each client meets the
 * same failure at the same step. The JDK and Node offer only TLS 1.2 and 1.3, and get a {@code protocol_version}
 * alert; curl, with OpenSSL 3's defaults, offers TLS 1.1 too, takes the server's hello and certificate, and refuses the
 * SHA-1 signature of its key exchange.
 */
class OutdatedTlsFidelityTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern OPENSSL_ERROR = Pattern.compile("error:[0-9A-F]+:SSL routines:[a-z_0-9]*:([^\\n]*)");

    private NettyEchoServer server;
    private NginxServer nginx;
    private ChaosProxy proxy;

    @BeforeEach
    void start() {
        server = NettyEchoServer.start();
        nginx = NginxServer.builder(server.uri()).outdatedTls().start();
        proxy = ChaosProxy.builder().upstream(server.uri()).tls().start();
        proxy.inject(Faults.forceTlsMismatch(TlsMismatch.NO_COMMON_PROTOCOL));
    }

    @AfterEach
    void stop() throws Exception {
        Resources.closeAll(proxy, nginx, server); // nginx missing (outside CI) skips the test after server started
    }

    @Test
    void theJdkClientGetsAProtocolVersionAlertAsFromNginx() throws Exception {
        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);

        Throwable fromNginx = JdkWebSocketClient.handshakeFailure(nginx.uri("/"), trustAll, TIMEOUT, null);
        Throwable fromProxy = JdkWebSocketClient.handshakeFailure(proxy.uri(), trustAll, TIMEOUT, null);

        assertThat(fromNginx).isInstanceOf(SSLHandshakeException.class)
                .hasMessage("Received fatal alert: protocol_version");
        assertThat(fromProxy).isInstanceOf(SSLHandshakeException.class).hasMessage(fromNginx.getMessage());
        ConnectionRecord record = await().atMost(TIMEOUT).until(() -> proxy.recording().attempt(1), ConnectionRecord::isClosed);
        assertThat(record.outcome()).isEqualTo(Outcome.TLS_FAILED);
        assertThat(record.failure()).contains("offers TLS 1.3, TLS 1.2").contains("with the alert protocol_version");
    }

    @Test
    void curlTakesTheHelloAndRefusesTheSha1SignatureAsFromNginx() throws Exception {
        String fromNginx = curlError(nginx.uri("/"));
        String fromProxy = curlError(proxy.uri());

        assertThat(fromNginx).isEqualTo("legacy sigalg disallowed or unsupported");
        assertThat(fromProxy).isEqualTo(fromNginx);
        ConnectionRecord record = await().atMost(TIMEOUT).until(() -> proxy.recording().attempt(1), ConnectionRecord::isClosed);
        assertThat(record.outcome()).isEqualTo(Outcome.TLS_FAILED);
        assertThat(record.failure()).contains("selected TLS 1.1").contains("refused it with the alert internal_error");
    }

    @Test
    void nodeGetsAProtocolVersionAlertAsFromNginx() throws Exception {
        String fromNginx = nodeError(nginx.uri("/"));
        String fromProxy = nodeError(proxy.uri());

        assertThat(fromNginx).isEqualTo("tlsv1 alert protocol version");
        assertThat(fromProxy).isEqualTo(fromNginx);
    }

    @Test
    void onceDisarmedTheSameClientUpgrades() throws Exception {
        proxy.disarmAll();
        try (JdkWebSocketClient client = JdkWebSocketClient.connect(proxy.uri(), proxy.certificate().sslContext(),
                TIMEOUT, null)) {
            client.send("after the fault");
            await().atMost(TIMEOUT).until(() -> client.messages().contains("after the fault"));
        }
    }

    /** The OpenSSL reason curl prints for its failed handshake with {@code uri} (https for wss). */
    private static String curlError(URI uri) throws IOException, InterruptedException {
        String output = run(List.of(tool("/usr/bin/curl", "curl"), "-sS", "-k", "--max-time", "5",
                "https://" + uri.getHost() + ":" + uri.getPort() + "/"), null);
        return openSslReason(output);
    }

    /** The OpenSSL reason Node's ws client reports for its failed handshake with {@code uri}. */
    private static String nodeError(URI uri) throws IOException, InterruptedException {
        String script = "const WebSocket = require('ws');\n"
                + "const ws = new WebSocket(process.argv[1], {rejectUnauthorized: false});\n"
                + "ws.on('open', () => { console.log('OPEN'); process.exit(0); });\n"
                + "ws.on('error', e => { console.log(e.message); process.exit(0); });\n";
        return openSslReason(run(List.of(System.getProperty("wschaos.node", "node"), "-e", script, uri.toString()),
                "/usr/share/nodejs"));
    }

    private static String openSslReason(String output) {
        Matcher matcher = OPENSSL_ERROR.matcher(output);
        assertThat(matcher.find()).as("an OpenSSL error in: %s", output).isTrue();
        return matcher.group(1).replaceAll(":[^:]*\\.c:\\d+:.*$", "").trim();
    }

    private static String run(List<String> command, String nodePath) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (nodePath != null) {
            builder.environment().put("NODE_PATH", nodePath);
        }
        Process process = builder.start();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command.get(0) + " did not end within 15 s");
        }
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** The tool at {@code path}; skipped where it is not installed, failed in CI, which installs it. */
    private static String tool(String path, String name) {
        if (!Files.isExecutable(Path.of(path))) {
            String message = name + " is not installed at " + path + " (apt-get install " + name + ")";
            RequiredTool.missing(message);
        }
        return path;
    }
}
