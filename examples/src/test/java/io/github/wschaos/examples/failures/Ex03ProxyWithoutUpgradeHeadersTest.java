package io.github.wschaos.examples.failures;

import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.examples.support.AppServer;
import io.github.wschaos.examples.support.JdkClient;
import io.github.wschaos.fault.Fault;
import io.github.wschaos.fault.FaultHandle;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.fault.Profiles;
import io.github.wschaos.fault.Target;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Example 3: a reverse proxy that does not pass the upgrade on (the nginx case).
 *
 * <p><b>Symptom.</b> Works when the client talks to the app directly, fails once nginx (or Apache, or a corporate
 * proxy) is in front: {@code WebSocketHandshakeException} with status {@code 404} from a Jetty app ({@code 426}
 * from Node's {@code ws}, {@code 400} from Spring). In development, the same thing hits only the dev server's
 * hot-reload socket ({@code /_next/webpack-hmr}) while the app's own socket works, because only the app's
 * {@code location} was configured.
 *
 * <p><b>Cause.</b> nginx proxies with HTTP/1.0 by default and drops the hop-by-hop {@code Upgrade} and
 * {@code Connection} headers, so the app receives a plain GET for its WebSocket path and answers it as one.
 *
 * <p><b>Fix.</b> In every {@code location} that carries a WebSocket:
 * <pre>
 * proxy_http_version 1.1;
 * proxy_set_header Upgrade $http_upgrade;
 * proxy_set_header Connection "upgrade";
 * </pre>
 * Here the fix is disarming the fault, which leaves the proxy as transparent as a correctly configured nginx.
 */
class Ex03ProxyWithoutUpgradeHeadersTest {

    private static final String HMR = "/_next/webpack-hmr";
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
    void nginxWithoutUpgradeConfigurationTurnsTheUpgradeIntoA404() {
        for (Fault fault : Profiles.nginxWithoutUpgradeConfiguration()) {
            proxy.inject(fault);
        }

        Throwable failure = JdkClient.handshakeFailure(proxy.uri());

        assertThat(failure).isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) failure).getResponse().statusCode()).isEqualTo(404);
        assertThat(proxy).within(WAIT).attempt(1).wasRejectedWith(404).wasHitBy("strip-upgrade-headers");
    }

    @Test
    void fixedByPassingTheUpgradeHeaders() throws Exception {
        FaultHandle misconfigured = proxy.inject(Faults.stripUpgradeHeaders());
        assertThat(JdkClient.handshakeFailure(proxy.uri())).isInstanceOf(WebSocketHandshakeException.class);

        misconfigured.close(); // the three lines above added to nginx's location

        assertEchoes(proxy.uri());
        assertThat(proxy).within(WAIT).attempt(2).isUpgraded().hasMessagesBothWays(1);
    }

    @Test
    void onlyTheHotReloadEndpointFailsWhenOnlyItsLocationLacksTheHeaders() throws Exception {
        proxy.inject(Faults.stripUpgradeHeaders(), Target.path(HMR));

        Throwable failure = JdkClient.handshakeFailure(proxy.uri(HMR));
        assertEchoes(proxy.uri("/echo"));

        assertThat(((WebSocketHandshakeException) failure).getResponse().statusCode()).isEqualTo(404);
        assertThat(proxy).within(WAIT).attempt(1).wasRejectedWith(404).wasHitBy("strip-upgrade-headers");
        assertThat(proxy).within(WAIT).attempt(2).isUpgraded().hasMessagesBothWays(1);
    }

    @Test
    void theHotReloadEndpointIsFixedLikeTheAppsSocket() throws Exception {
        FaultHandle misconfigured = proxy.inject(Faults.stripUpgradeHeaders(), Target.path(HMR));
        assertThat(JdkClient.handshakeFailure(proxy.uri(HMR))).isInstanceOf(WebSocketHandshakeException.class);

        misconfigured.close(); // the hot-reload location configured like the app's

        assertEchoes(proxy.uri(HMR));
        assertThat(proxy).within(WAIT).attempt(2).isUpgraded();
    }

    private static void assertEchoes(URI uri) throws Exception {
        try (JdkClient client = JdkClient.connect(uri)) {
            client.send("hello");
            await().atMost(WAIT).until(() -> client.messages().contains("hello"));
        }
    }
}
