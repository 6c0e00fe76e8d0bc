package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.NettyEchoServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Starting and closing proxies leaves nothing behind: after 200 proxies, each with one real WebSocket
 * connection through it, the JVM's live threads and open file descriptors are back at their baseline.
 *
 * <p>Tolerance: 2 threads (JVM background threads such as the JIT's come and go on their own) and 4 file
 * descriptors (the JVM opens jars and class data lazily). A proxy that kept its event loop would leave at
 * least one thread and several descriptors (epoll, eventfd, timerfd) per proxy, 200 of each in all.
 */
@EnabledOnOs(OS.LINUX)
class ResourceBaselineTest {

    private static final int PROXIES = 200;
    private static final int THREAD_TOLERANCE = 2;
    private static final int FD_TOLERANCE = 4;

    private static NettyEchoServer echo;
    private static ThreadPoolExecutor clientThreads;
    private static HttpClient client;

    @BeforeAll
    static void startPeers() {
        echo = NettyEchoServer.start();
        clientThreads = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        clientThreads.prestartAllCoreThreads();
        client = HttpClient.newBuilder().executor(clientThreads).build();
    }

    @AfterAll
    static void stopPeers() {
        clientThreads.shutdownNow();
        echo.close();
    }

    @Test
    void twoHundredProxiesLeaveNoThreadOrFileDescriptorBehind() throws Exception {
        runOneProxy();
        int baselineThreads = liveThreads();
        long baselineFds = openFileDescriptors();

        for (int i = 0; i < PROXIES; i++) {
            runOneProxy();
        }

        Awaitility.await("threads back at " + baselineThreads + " (+" + THREAD_TOLERANCE + ")")
                .atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(liveThreads())
                        .as(ResourceBaselineTest::threadNames)
                        .isLessThanOrEqualTo(baselineThreads + THREAD_TOLERANCE));
        Awaitility.await("file descriptors back at " + baselineFds + " (+" + FD_TOLERANCE + ")")
                .atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(openFileDescriptors()).isLessThanOrEqualTo(baselineFds + FD_TOLERANCE));
    }

    /** Starts a proxy, relays one WebSocket echo through it, waits for the record to close, closes the proxy. */
    private static void runOneProxy() throws Exception {
        try (ChaosProxy proxy = ChaosProxy.start(echo.uri())) {
            echoOnce(proxy.uri());
            Awaitility.await("connection closed").atMost(Duration.ofSeconds(5)).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(2))
                    .until(() -> proxy.recording().attempts() == 1 && proxy.recording().attempt(1).isClosed());
            assertThat(proxy.recording().attempt(1).outcome()).isEqualTo(Outcome.UPGRADED);
        }
        assertThat(threadNames()).doesNotContain("wschaos-proxy");
    }

    private static void echoOnce(URI uri) throws Exception {
        CompletableFuture<String> echoed = new CompletableFuture<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket socket = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        echoed.complete(data.toString());
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closed.complete(statusCode);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        socket.sendText("ping", true).get(5, TimeUnit.SECONDS);
        assertThat(echoed.get(5, TimeUnit.SECONDS)).isEqualTo("ping");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        assertThat(closed.get(5, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
    }

    private static int liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    private static String threadNames() {
        StringBuilder names = new StringBuilder("live threads:");
        Thread.getAllStackTraces().keySet().forEach(thread -> names.append(' ').append(thread.getName()));
        return names.toString();
    }

    private static long openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
