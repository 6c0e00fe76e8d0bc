package io.github.wschaos.examples;

import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThat;
import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThatThrownBy;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.fault.Faults;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OkHttp's WebSocket, which never reconnects by itself: one attempt, whatever happens to it. The quiet periods
 * (500 ms) are what "gave up" means here; OkHttp would not come back later either.
 */
class OkHttpNoReconnectTest {

    private EchoServer server;
    private ChaosProxy proxy;
    private OkHttpClient okHttp;

    @BeforeEach
    void start() {
        server = EchoServer.start();
        proxy = ChaosProxy.start(server.uri());
        okHttp = new OkHttpClient.Builder().build();
    }

    @AfterEach
    void stop() {
        okHttp.dispatcher().executorService().shutdown();
        okHttp.connectionPool().evictAll();
        proxy.close();
        server.close();
    }

    @Test
    void oneAttemptAfterARejectedHandshake() throws Exception {
        proxy.inject(Faults.respondWithStatus(502));
        Ending ending = connect();
        assertThat(ending.failure.get(5, TimeUnit.SECONDS)).hasMessageContaining("502");

        assertThat(proxy).reconnects().gaveUpAfter(1, ofMillis(500));
        assertThat(proxy).attempt(1).wasRejectedWith(502);
        assertThatThrownBy(() -> assertThat(proxy).within(ofMillis(300)).reconnects().resumedTraffic())
                .hasMessageContaining("Within 300ms")
                .hasMessageContaining("but there was only one attempt")
                .hasMessageContaining("REJECTED 502");
    }

    @Test
    void oneAttemptAfterTheServerWentAway() throws Exception {
        Ending ending = connect();
        ending.socket.send("hello");
        assertThat(proxy).within(ofSeconds(5)).attempt(1).hasMessagesBothWays(1);
        proxy.inject(Faults.resetConnection());
        ending.failure.get(5, TimeUnit.SECONDS);

        assertThat(proxy).reconnects().gaveUpAfter(1, ofMillis(500));
        assertThatThrownBy(() -> assertThat(proxy).within(ofMillis(300)).reconnects().hasAtLeastAttempts(2))
                .hasMessageContaining("to have at least 2 attempts but had 1")
                .hasMessageContaining("TCP closed by proxy (reset)");
    }

    @Test
    void doesNotReconnectAfterANormalClose() throws Exception {
        Ending ending = connect();
        ending.socket.send("hello");
        assertThat(proxy).within(ofSeconds(5)).attempt(1).hasMessagesBothWays(1);
        ending.socket.close(1000, "done");
        assertThat(ending.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1000);

        assertThat(proxy).reconnects().doesNotReconnectAfterNormalClose(ofMillis(500));
        assertThat(proxy).within(ofSeconds(5)).attempt(1).closedWithCode(1000);
        assertThatThrownBy(() -> assertThat(proxy).within(ofMillis(300)).reconnects().gaveUpAfter(2, ofMillis(100)))
                .hasMessageContaining("to make 2 attempts but made 1")
                .hasMessageContaining("client sent close 1000");
    }

    private Ending connect() {
        Ending ending = new Ending();
        ending.socket = okHttp.newWebSocket(new Request.Builder().url(proxy.uri().toString()).build(), ending);
        return ending;
    }

    /** How the single connection ended: a failure, or a close handshake with a code. */
    private static final class Ending extends WebSocketListener {

        final CompletableFuture<Throwable> failure = new CompletableFuture<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket socket;

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
            failure.complete(t);
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
            closed.complete(code);
        }
    }
}
