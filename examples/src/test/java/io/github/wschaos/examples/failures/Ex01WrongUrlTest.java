package io.github.wschaos.examples.failures;

import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.examples.support.AppServer;
import io.github.wschaos.examples.support.Causes;
import io.github.wschaos.examples.support.JdkClient;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.record.Outcome;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Example 1: the wrong URL or port.
 *
 * <p><b>Symptom.</b> The socket never opens. The JDK client throws {@code java.net.ConnectException} at once, or
 * "Connection reset" when something accepts and drops the connection; or it throws
 * {@code WebSocketHandshakeException} whose response has status {@code 404}.
 *
 * <p><b>Cause.</b> Nothing listens on that port (the server is down, or the URL names the HTTP port of another
 * service), or the server is there but the path is not its WebSocket endpoint ({@code /ws} instead of
 * {@code /echo}): the server treats the upgrade request as a plain GET and answers {@code 404 Not Found}.
 *
 * <p><b>Fix.</b> The endpoint's real URL: host, port and path. The recording tells which it was: {@code REFUSED}
 * for the port, {@code REJECTED 404} from the upstream for the path.
 */
class Ex01WrongUrlTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private AppServer app;
    private ChaosProxy proxy;

    @BeforeEach
    void start() {
        app = AppServer.start();
        proxy = ChaosProxy.start(app.wsUri());
    }

    @AfterEach
    void stop() {
        proxy.close();
        app.close();
    }

    @Test
    void nothingListeningOnThePortIsRefusedAtOnce() throws Exception {
        Throwable failure = JdkClient.handshakeFailure(URI.create("ws://127.0.0.1:" + closedPort() + "/echo"));

        assertThat(failure).isInstanceOf(ConnectException.class);
    }

    @Test
    void aServerThatIsDownIsReproducedByRefusingConnections() {
        proxy.inject(Faults.refuseConnections());

        Throwable failure = JdkClient.handshakeFailure(proxy.uri("/echo"));

        // the JDK says "Connection reset", or "HTTP/1.1 header parser received no bytes" caused by a reset or, in about
        // one run in ten here, by "EOF reached while reading": either way the connection ends before any answer
        assertThat(Causes.of(failure)).containsAnyOf("Connection reset", "EOF reached while reading");
        assertThat(proxy).within(WAIT).attempt(1).hasOutcome(Outcome.REFUSED);
    }

    @Test
    void theWrongPathIsA404FromTheServer() {
        Throwable failure = JdkClient.handshakeFailure(proxy.uri("/ws"));

        assertThat(failure).isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) failure).getResponse().statusCode()).isEqualTo(404);
        assertThat(proxy).within(WAIT).attempt(1).wasRejectedWith(404);
    }

    @Test
    void fixedWithTheEndpointsRealUrl() throws Exception {
        try (JdkClient client = JdkClient.connect(proxy.uri("/echo"))) {
            client.send("hello");
            await().atMost(WAIT).until(() -> client.messages().contains("hello"));
        }
        assertThat(proxy).within(WAIT).attempt(1).isUpgraded().hasMessagesBothWays(1);
    }

    /** A loopback port that was just free: nothing listens there. */
    private static int closedPort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}
