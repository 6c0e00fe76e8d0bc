package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.NettyEchoServer;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A client that never finishes its request head is closed after the request timeout, as nginx does. */
class RequestTimeoutTest {

    @Test
    void anUnfinishedRequestHeadIsClosedWithoutAnAnswer() throws Exception {
        try (NettyEchoServer server = NettyEchoServer.start();
                ChaosProxy proxy = ChaosProxy.builder().upstream(server.uri()).requestTimeout(Duration.ofMillis(300)).start();
                Socket socket = new Socket("127.0.0.1", proxy.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /echo HT".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            assertThat(socket.getInputStream().read()).as("closed without a byte of answer").isEqualTo(-1);
            // Tolerance: 300 ms, plus up to 1.2 s of scheduling on a busy machine.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofMillis(1500));

            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.recording().attempt(1).isClosed());
            ConnectionRecord record = proxy.recording().attempt(1);
            assertThat(record.outcome()).isEqualTo(Outcome.TIMED_OUT);
            assertThat(record.failure()).contains("no complete request head within PT0.3S");
        }
    }

    @Test
    void anUnfinishedLaterRequestHeadIsClosedWithoutAnAnswer() throws Exception {
        // Before, only a connection's first head was timed: a later one cut short held the connection open for good.
        try (RawUpstream upstream = okUpstream();
                ChaosProxy proxy = ChaosProxy.builder().upstream(upstream.uri()).requestTimeout(Duration.ofMillis(300)).start();
                RawHttp http = RawHttp.connect(proxy.address())) {
            assertThat(http.send("GET /first HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().body()).isEqualTo("ok");
            // Idle between requests is not timed (nginx's keepalive_timeout is another matter): still open after it.
            await().pollDelay(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2))
                    .until(() -> !proxy.recording().attempt(1).isClosed());
            http.send("GET /second HT");
            long start = System.nanoTime();
            http.readTimeout(Duration.ofSeconds(5));
            assertThat(http.readToEnd()).as("closed without a byte of answer").isEmpty();
            // Tolerance: 300 ms, plus up to 1.2 s of scheduling on a busy machine.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofMillis(1500));

            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.recording().attempt(1).isClosed());
            ConnectionRecord record = proxy.recording().attempt(1);
            assertThat(record.status()).as("the first exchange's").isEqualTo(200);
            assertThat(record.failure()).contains("a later request's head did not come whole within PT0.3S");
            assertThat(record.close()).get().hasToString("no close frame, TCP closed by proxy (request timeout)");
        }
    }

    @Test
    void aLaterHeadCutShortAfterAWholeLineIsTimedToo() throws Exception {
        // The decoder takes whole lines without a word: a head that stops after one left no bytes behind to notice.
        try (RawUpstream upstream = okUpstream();
                ChaosProxy proxy = ChaosProxy.builder().upstream(upstream.uri()).requestTimeout(Duration.ofMillis(300)).start();
                RawHttp http = RawHttp.connect(proxy.address())) {
            assertThat(http.send("GET /first HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().body()).isEqualTo("ok");
            http.send("GET /second HTTP/1.1\r\nHost: x\r\n");
            long start = System.nanoTime();
            http.readTimeout(Duration.ofSeconds(5));
            assertThat(http.readToEnd()).as("closed without a byte of answer").isEmpty();
            // Tolerance: 300 ms, plus up to 1.2 s of scheduling on a busy machine.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofMillis(1500));
        }
    }

    @Test
    void aPipelinedHeadCutShortIsTimedOnlyOnceTheAnswerBeforeItHasEnded() throws Exception {
        // nginx reads a pipelined request only once it has answered the one before; the proxy read it at once and cut
        // the slow answer before it with the head's timeout.
        CompletableFuture<Void> answer = new CompletableFuture<>();
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    if (connection.readHead() != null) {
                        answer.orTimeout(5, TimeUnit.SECONDS).join();
                        connection.write(RawUpstream.ascii("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nslow"));
                        connection.readToEnd();
                    }
                });
                ChaosProxy proxy = ChaosProxy.builder().upstream(upstream.uri()).requestTimeout(Duration.ofMillis(300)).start();
                RawHttp http = RawHttp.connect(proxy.address())) {
            http.send("GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HT");
            await().pollDelay(Duration.ofMillis(900)).atMost(Duration.ofSeconds(2))
                    .until(() -> !proxy.recording().attempt(1).isClosed());
            answer.complete(null);
            assertThat(http.readResponse().body()).as("the answer before the unfinished head").isEqualTo("slow");
            long start = System.nanoTime();
            http.readTimeout(Duration.ofSeconds(5));
            assertThat(http.readToEnd()).isEmpty();
            // Tolerance: 300 ms after the answer, plus up to 1.2 s of scheduling on a busy machine.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(150), Duration.ofMillis(1500));
        }
    }

    @Test
    void aCompleteRequestIsNotTimedOut() throws Exception {
        try (NettyEchoServer server = NettyEchoServer.start();
                ChaosProxy proxy = ChaosProxy.builder().upstream(server.uri()).requestTimeout(Duration.ofMillis(200)).start();
                io.github.wschaos.testing.JdkWebSocketClient client = io.github.wschaos.testing.JdkWebSocketClient.connect(proxy.uri())) {
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !client.closeCode().isDone());
            client.send("still here");
            await().atMost(Duration.ofSeconds(5)).until(() -> client.messages().contains("still here"));
        }
    }

    /** Answers every request {@code 200 ok}, keeping the connection. */
    private static RawUpstream okUpstream() throws java.io.IOException {
        return RawUpstream.start(connection -> {
            while (connection.readHead() != null) {
                connection.write(RawUpstream.ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
            }
        });
    }
}
