package io.github.wschaos.examples.failures;

import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.examples.support.AppServer;
import io.github.wschaos.examples.support.JdkClient;
import io.github.wschaos.fault.Faults;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Example 2: the {@code Origin} is rejected.
 *
 * <p><b>Symptom.</b> Works from the production page, fails from {@code http://localhost:3000}, from a mobile
 * app's web view or from a Java service: {@code WebSocketHandshakeException} with status {@code 403}; a browser
 * logs "Error during WebSocket handshake: Unexpected response code: 403".
 *
 * <p><b>Cause.</b> The server checks {@code Origin} against an allowed list ({@code ws}'s {@code verifyClient},
 * Spring's {@code setAllowedOrigins}, Socket.IO's CORS settings). A caller from another origin is refused, and so is
 * a caller that sends no {@code Origin} at all, which is what the JDK client does by default.
 *
 * <p><b>Fix.</b> Send an allowed {@code Origin} (or add the caller's origin to the server's list).
 */
class Ex02OriginRejectedTest {

    private static final String ALLOWED = "https://app.example.com";
    private static final Duration WAIT = Duration.ofSeconds(5);

    private AppServer app;
    private ChaosProxy proxy;

    @BeforeEach
    void start() {
        app = AppServer.start();
        proxy = ChaosProxy.start(app.wsUri());
        proxy.inject(Faults.rejectOrigins(ALLOWED));
    }

    @AfterEach
    void stop() {
        proxy.close();
        app.close();
    }

    @Test
    void aClientWithoutOriginIsForbidden() {
        Throwable failure = JdkClient.handshakeFailure(proxy.uri());

        assertThat(failure).isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) failure).getResponse().statusCode()).isEqualTo(403);
        assertThat(proxy).within(WAIT).attempt(1).wasRejectedWith(403);
        assertThat(proxy.recording().attempt(1).header("Origin")).isEmpty();
    }

    @Test
    void theDevServersOriginIsForbidden() {
        Throwable failure = JdkClient.handshakeFailure(proxy.uri(),
                JdkClient.Options.defaults().origin("http://localhost:3000"));

        assertThat(((WebSocketHandshakeException) failure).getResponse().statusCode()).isEqualTo(403);
        assertThat(proxy).within(WAIT).attempt(1).wasRejectedWith(403);
        assertThat(proxy.recording().attempt(1).header("Origin")).contains("http://localhost:3000");
    }

    @Test
    void fixedBySendingTheAllowedOrigin() throws Exception {
        try (JdkClient client = JdkClient.connect(proxy.uri(), JdkClient.Options.defaults().origin(ALLOWED))) {
            client.send("hello");
            await().atMost(WAIT).until(() -> client.messages().contains("hello"));
        }
        assertThat(proxy).within(WAIT).attempt(1).isUpgraded().hasMessagesBothWays(1);
    }
}
