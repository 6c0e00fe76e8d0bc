package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.wschaos.fault.Faults;
import io.github.wschaos.fault.Target;
import io.github.wschaos.record.ConnectionEvent;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.NettyEchoServer;
import io.github.wschaos.testing.RawHttp;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code close()} as users call it: from several threads at once (a test's cleanup racing a shutdown hook), from a
 * recording listener on the proxy's own thread, and before a proxy is used again by mistake. Before, concurrent closes
 * now and then threw {@code RejectedExecutionException} or stalled for 5 s, a close in a listener froze its event loop
 * for 10 s, a closed proxy took faults without a word, and connections whose handshake a close cut short were recorded
 * as timed out or aborted by the client, where the proxy had closed them.
 *
 * <p>Tolerance: a close takes milliseconds; 3 s is the bound, well under the 5 s and 10 s stalls it guards against.
 */
class ProxyCloseTest {

    private static final Duration CLOSE_BOUND = Duration.ofSeconds(3);
    private static final Duration WAIT = Duration.ofSeconds(5);

    private NettyEchoServer echo;

    @BeforeEach
    void startEcho() {
        echo = NettyEchoServer.start();
    }

    @AfterEach
    void stopEcho() {
        echo.close();
    }

    @Test
    void closesFromEightThreadsAtOnceAllReturnOnceClosedAndNoneThrows() throws Exception {
        int callers = 8;
        ExecutorService threads = Executors.newFixedThreadPool(callers);
        try {
            for (int round = 0; round < 15; round++) {
                ChaosProxy proxy = ChaosProxy.start(echo.uri());
                String prefix = threadPrefix(proxy);
                List<JdkWebSocketClient> clients = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    clients.add(JdkWebSocketClient.connect(proxy.uri()));
                }
                CyclicBarrier start = new CyclicBarrier(callers);
                List<Future<Duration>> closes = new ArrayList<>();
                for (int i = 0; i < callers; i++) {
                    closes.add(threads.submit(() -> {
                        start.await(5, TimeUnit.SECONDS);
                        long began = System.nanoTime();
                        proxy.close();
                        assertThat(proxy.isRunning()).as("closed when close() returns").isFalse();
                        return Duration.ofNanos(System.nanoTime() - began);
                    }));
                }
                for (Future<Duration> close : closes) {
                    assertThat(close.get(10, TimeUnit.SECONDS)).as("round " + round).isLessThan(CLOSE_BOUND);
                }
                assertThat(threadNames()).as("round " + round).doesNotContain(prefix);
                for (JdkWebSocketClient client : clients) {
                    client.close();
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void closeInARecordingListenerReturnsAtOnceAndTheProxyStillCloses() throws Exception {
        ChaosProxy proxy = ChaosProxy.start(echo.uri());
        String prefix = threadPrefix(proxy);
        CompletableFuture<Duration> closeTook = new CompletableFuture<>();
        proxy.recording().subscribe(event -> {
            if (event.type() == ConnectionEvent.Type.UPGRADED && !closeTook.isDone()) {
                long began = System.nanoTime();
                proxy.close();
                closeTook.complete(Duration.ofNanos(System.nanoTime() - began));
            }
        });

        // A raw client: the close starts as the upgrade is recorded and may cut the 101 off on its way, so the test
        // does not depend on the client's handshake finishing (a JDK client's connect then fails now and then).
        try (RawHttp client = RawHttp.connect(proxy.address())) {
            client.send(RawHttp.upgradeRequest(proxy.address(), "/echo"));
            assertThat(closeTook.get(15, TimeUnit.SECONDS)).as("close() on the proxy's own thread").isLessThan(CLOSE_BOUND);
            Awaitility.await("the proxy's threads ended").atMost(WAIT)
                    .untilAsserted(() -> assertThat(threadNames()).doesNotContain(prefix));
            assertThat(proxy.isRunning()).isFalse();
            proxy.close(); // and again, from the test's thread: a no-op
        }
    }

    @Test
    void aClosedProxyRefusesFaultsAndUpstreamsNamingWhy() throws Exception {
        ChaosProxy proxy = ChaosProxy.start(echo.uri());
        try (JdkWebSocketClient client = JdkWebSocketClient.connect(proxy.uri())) {
            client.send("hello");
            Awaitility.await().atMost(WAIT).until(() -> client.messages().contains("hello"));
        }
        proxy.close();

        assertThatThrownBy(() -> proxy.inject(Faults.refuseConnections()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inject(")
                .hasMessageContaining("on a closed proxy")
                .hasMessageContaining("start a new one");
        assertThatThrownBy(() -> proxy.upstream(URI.create("ws://127.0.0.1:1/")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("upstream(ws://127.0.0.1:1/) on a closed proxy");
        assertThat(proxy.faults()).isEmpty();
        assertThat(proxy.recording().attempt(1).outcome()).as("the recording is still read").isEqualTo(Outcome.UPGRADED);
    }

    @Test
    void handshakesTheCloseCutShortAreRecordedAsClosedByTheProxyNotAsTimedOutOrAbortedByTheClient() throws Exception {
        ChaosProxy proxy = ChaosProxy.start(echo.uri());
        proxy.inject(Faults.delayHandshake(Duration.ofSeconds(30)), Target.next(1));
        CompletableFuture<ConnectionEvent> requestRead = new CompletableFuture<>();
        proxy.recording().subscribe(event -> {
            if (event.type() == ConnectionEvent.Type.REQUEST) {
                requestRead.complete(event);
            }
        });
        try (RawHttp delayed = RawHttp.connect(proxy.address())) {
            delayed.send(RawHttp.upgradeRequest(proxy.address(), "/echo"));
            requestRead.get(5, TimeUnit.SECONDS);
            try (RawHttp halfHead = RawHttp.connect(proxy.address())) {
                halfHead.send("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgr");
                Awaitility.await("the second connection accepted").atMost(WAIT)
                        .until(() -> proxy.recording().attempts() == 2);

                proxy.close();
            }
        }

        for (int attempt = 1; attempt <= 2; attempt++) {
            ConnectionRecord record = proxy.recording().attempt(attempt);
            assertThat(record.isClosed()).as("attempt " + attempt).isTrue();
            // As any connection the proxy closes before an answer: the client saw its connection end, unanswered.
            assertThat(record.outcome()).as("attempt " + attempt + ": %s", record).isEqualTo(Outcome.REFUSED);
            assertThat(record.failure()).as("attempt " + attempt)
                    .isEqualTo("the proxy was closed before it answered the client's request");
        }
    }

    /** The prefix of the proxy's thread names ({@code wschaos-proxy-N-}), read while the proxy runs. */
    private static String threadPrefix(ChaosProxy proxy) throws Exception {
        CompletableFuture<String> name = new CompletableFuture<>();
        try (JdkWebSocketClient ignored = probe(proxy, name)) {
            return name.get(5, TimeUnit.SECONDS);
        }
    }

    private static JdkWebSocketClient probe(ChaosProxy proxy, CompletableFuture<String> name) throws Exception {
        var subscription = proxy.recording().subscribe(event -> {
            String thread = Thread.currentThread().getName();
            name.complete(thread.substring(0, thread.lastIndexOf('-') + 1));
        });
        try {
            return JdkWebSocketClient.connect(proxy.uri());
        } finally {
            name.get(5, TimeUnit.SECONDS);
            subscription.close();
        }
    }

    private static String threadNames() {
        StringBuilder names = new StringBuilder();
        Thread.getAllStackTraces().keySet().forEach(thread -> names.append(thread.getName()).append(' '));
        return names.toString();
    }
}
