package io.github.wschaos.testcontainers;

import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.fault.TlsMismatch;
import io.github.wschaos.testcontainers.peer.EchoServerMain;
import io.github.wschaos.testcontainers.support.RequiresDocker;
import io.github.wschaos.testcontainers.support.TestImages;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The app under test in a container, its peer in this JVM: a containerised client (the JDK's WebSocket, in the
 * {@code wschaos/test-peer} image) with {@code --network host} reaches the proxy on this machine's loopback at
 * {@code proxy.uri()}, unchanged, and every fault works as it does for a client in the JVM.
 */
@RequiresDocker
class ContainerisedClientTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static EchoServerMain server;
    private ChaosProxy proxy;
    private GenericContainer<?> client;

    @BeforeAll
    static void startServer() {
        server = EchoServerMain.start("127.0.0.1", 0);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void startProxy() {
        proxy = ChaosProxy.builder().upstream("ws://127.0.0.1:" + server.port() + "/echo").start();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.stop();
        }
        proxy.close();
    }

    /** The client, in host network mode: 127.0.0.1 in the container is this machine's loopback. */
    @SuppressWarnings("resource")
    private void startClient(String origin) {
        client = new GenericContainer<>(TestImages.PEER)
                .withImagePullPolicy(TestImages.NEVER_PULL)
                .withNetworkMode("host")
                .withCommand(origin == null
                        ? new String[] {TestImages.CLIENT_MAIN, proxy.uri("/echo").toString(), "200"}
                        : new String[] {TestImages.CLIENT_MAIN, proxy.uri("/echo").toString(), "200", origin})
                .waitingFor(Wait.forLogMessage(".*(OPEN|FAILED|CLOSED) 1.*", 1).withStartupTimeout(WAIT));
        client.start();
    }

    @Test
    void reachesTheProxyOnLoopbackAndReconnectsAfterIdleDrop() {
        proxy.inject(Faults.dropIdleConnections(Duration.ofMillis(600)));
        startClient(null);

        assertThat(proxy).within(WAIT).hasAtLeastAttempts(3);
        assertThat(proxy).attempt(1).isUpgraded().closedWithoutCloseFrame().hasMessagesBothWays(1);
        assertThat(proxy).attempt(2).isUpgraded().closedWithoutCloseFrame().hasMessagesBothWays(1);
        assertThat(proxy).reconnects().hasNoStormFasterThan(Duration.ofMillis(100));
        assertThat(client.getLogs()).contains("ECHO hello 1", "ECHO hello 2");
    }

    @Test
    void stripUpgradeHeaders() {
        var strip = proxy.inject(Faults.stripUpgradeHeaders());
        startClient(null);

        assertThat(proxy).within(WAIT).hasAtLeastAttempts(3);
        assertThat(proxy).attempt(1).wasRejectedWith(426);
        assertThat(proxy).reconnects().hasNoStormFasterThan(Duration.ofMillis(100));

        strip.close();
        assertThat(proxy).within(WAIT).hasUpgradedConnections(1);
        assertThat(proxy).within(WAIT).reconnects().resumedTraffic();
    }

    @Test
    void forceTlsMismatch() {
        proxy.inject(Faults.forceTlsMismatch(TlsMismatch.TLS_LISTENER));
        startClient(null);

        assertThat(proxy).within(WAIT).hasAtLeastAttempts(2);
        assertThat(proxy).attempt(1).wasRejectedWith(400);
        assertThat(client.getLogs()).doesNotContain("OPEN");
    }

    @Test
    void rejectOrigins() {
        proxy.inject(Faults.rejectOrigins("https://app.example"));
        startClient("https://evil.example");

        assertThat(proxy).within(WAIT).hasAtLeastAttempts(2);
        assertThat(proxy).attempt(1).wasRejectedWith(403);
        assertThat(proxy).reconnects().hasNoStormFasterThan(Duration.ofMillis(100));
    }
}
