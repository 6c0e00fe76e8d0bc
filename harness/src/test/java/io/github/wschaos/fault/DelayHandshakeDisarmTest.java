package io.github.wschaos.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.testing.NettyEchoServer;
import io.github.wschaos.testing.RawHttp;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Disarming a handshake delay ends the delays under way at once, as a disarmed toxic lets go of the data it holds: a
 * held upgrade goes on to the upstream, a fault's delayed answer is given. A held handshake does not outlive the fault
 * (or, with the JUnit extension, the test) that delayed it.
 */
class DelayHandshakeDisarmTest {

    private static final Duration DELAY = Duration.ofSeconds(30);
    /** Far below the delay: a loaded machine still answers within it. */
    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    @Test
    void aHeldUpgradeGoesOnWhenTheDelayIsDisarmed() throws Exception {
        try (NettyEchoServer server = NettyEchoServer.start(); ChaosProxy proxy = ChaosProxy.start(server.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            FaultHandle delay = proxy.inject(Faults.delayHandshake(DELAY));
            http.send(RawHttp.upgradeRequest(proxy.address(), server.uri().getPath()));
            await().atMost(PROMPTLY).until(() -> delay.hits() == 1);

            delay.close();

            http.readTimeout(PROMPTLY);
            assertThat(http.readHead().status()).isEqualTo(101);
            assertThat(proxy.recording().attempt(1).faults()).containsExactly("delay-handshake");
        }
    }

    @Test
    void aDelayedAnswerOfAFaultIsGivenWhenEveryFaultIsDisarmed() throws Exception {
        try (NettyEchoServer server = NettyEchoServer.start(); ChaosProxy proxy = ChaosProxy.start(server.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            FaultHandle delay = proxy.inject(Faults.delayHandshake(DELAY));
            proxy.inject(Faults.respondWithStatus(503));
            http.send(RawHttp.upgradeRequest(proxy.address(), server.uri().getPath()));
            await().atMost(PROMPTLY).until(() -> delay.hits() == 1);

            proxy.disarmAll();

            http.readTimeout(PROMPTLY);
            assertThat(http.readHead().status()).as("decided when the request came, given when the delay ended").isEqualTo(503);
        }
    }
}
