package io.github.wschaos.examples;

import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThat;
import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThatThrownBy;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.assertj.Backoff;
import io.github.wschaos.assertj.Tolerance;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.fault.Target;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Tyrus client (jakarta.websocket) with a {@link ClientManager.ReconnectHandler}: a constant delay, and giving
 * up after {@value #RETRIES} retries. Tyrus takes the delay in whole seconds, so this is the slowest example: 1 s
 * is the shortest delay it can be given short of 0 (reconnect at once).
 *
 * <p>Tolerance: the default (50 ms or 20 %, so 200 ms around 1 s).
 */
class TyrusReconnectTest {

    private static final int RETRIES = 2;
    private static final Duration DELAY = ofSeconds(1);

    private EchoServer server;
    private ChaosProxy proxy;
    private ClientManager client;
    private final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        server = EchoServer.start();
        proxy = ChaosProxy.start(server.uri());
        client = ClientManager.createClient();
        client.getProperties().put(ClientProperties.RECONNECT_HANDLER, new GiveUpAfter(RETRIES));
        client.getProperties().put(ClientProperties.HANDSHAKE_TIMEOUT, 5000);
    }

    @AfterEach
    void stop() {
        client.shutdown();
        proxy.close();
        server.close();
    }

    @Test
    void constantDelayThenGivesUpWhenEveryHandshakeIsRejected() throws Exception {
        proxy.inject(Faults.respondWithStatus(503));
        Future<Session> session = client.asyncConnectToServer(new Echoing(), ClientEndpointConfig.Builder.create().build(),
                proxy.uri());

        assertThat(proxy).reconnects().gaveUpAfter(1 + RETRIES, ofMillis(1500));
        await().atMost(ofSeconds(5)).until(session::isDone);
        assertThat(proxy).attempt(3).wasRejectedWith(503);
        assertThat(proxy).reconnects().followBackoff(Backoff.constant(DELAY));

        assertThatThrownBy(() -> assertThat(proxy).reconnects().followBackoff(Backoff.exponential(DELAY, 2.0)))
                .hasMessageContaining("to reconnect with exponential from 1000ms x2.0")
                .hasMessageContaining("the delay before attempt #3 was 1.")
                .hasMessageContaining("outside 1.600s..2.400s");
        assertThatThrownBy(() -> assertThat(proxy).reconnects().gaveUpAfter(RETRIES, ofMillis(200)))
                .hasMessageContaining("to give up after 2 attempts")
                .hasMessageContaining("but attempt #3 came ").hasMessageContaining("after attempt #2 ended, within the quiet period of 0.200s");
    }

    @Test
    void reconnectsAfterADisconnectAndResumesTraffic() throws Exception {
        proxy.inject(Faults.closeWithCode(1012, "service restart"), Target.next(1));
        client.asyncConnectToServer(new Echoing(), ClientEndpointConfig.Builder.create().build(), proxy.uri());

        assertThat(proxy).within(ofSeconds(10)).reconnects().resumedTraffic();
        await().atMost(ofSeconds(5)).until(() -> received.contains("hello from Tyrus")); // the first one may be cut off
        assertThat(proxy).hasAttempts(2).attempt(1).closedWithCode(1012);
        assertThat(proxy).reconnects().followBackoff(Backoff.constant(DELAY));

        assertThatThrownBy(() -> assertThat(proxy).reconnects().withTolerance(Tolerance.of(ofMillis(100)))
                .followBackoff(Backoff.constant(ofMillis(100))))
                // 1 s after Tyrus saw the close frame, a little less after the proxy closed TCP: 0.98s or 1.0s
                .hasMessageMatching("(?s).*the delay before attempt #2 was (0\\.9|1\\.)\\d+s, outside 0\\.000s\\.\\.0\\.200s.*")
                .hasMessageContaining("proxy sent close 1012 'service restart'");
    }

    /** Retries {@code retries} times after a failed handshake or a disconnect, {@link #DELAY} apart, then stops. */
    private static final class GiveUpAfter extends ClientManager.ReconnectHandler {

        private final int retries;
        private final AtomicInteger made = new AtomicInteger();

        GiveUpAfter(int retries) {
            this.retries = retries;
        }

        @Override
        public boolean onDisconnect(CloseReason closeReason) {
            return closeReason.getCloseCode().getCode() != 1000 && made.incrementAndGet() <= retries;
        }

        @Override
        public boolean onConnectFailure(Exception exception) {
            return made.incrementAndGet() <= retries;
        }

        @Override
        public long getDelay() {
            return DELAY.toSeconds();
        }
    }

    /** Sends a greeting on every open and keeps what comes back. */
    private final class Echoing extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) received::add);
            try {
                session.getBasicRemote().sendText("hello from Tyrus");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
