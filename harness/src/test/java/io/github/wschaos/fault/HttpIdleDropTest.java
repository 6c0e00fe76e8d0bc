package io.github.wschaos.fault;

import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.record.Closer;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import io.github.wschaos.testing.WarmProxy;
import java.io.IOException;
import java.net.SocketException;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code dropIdleConnections} on plain HTTP exchanges before any upgrade: an upgrade request the upstream never
 * answers, a reset cut, which traffic keeps the timer going, a fault armed during an exchange, and what it leaves
 * alone (an idle keep-alive connection, a long poll once the fault is disarmed).
 */
class HttpIdleDropTest {

    private static final Duration IDLE = Duration.ofMillis(400);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Lower bound of a cut's timing: 90% of the timeout. */
    private static final Duration EARLIEST = IDLE.multipliedBy(9).dividedBy(10);
    /**
     * Upper bound: five times the timeout, room for a loaded machine (a reset came 878 ms late at load 20 on two cores);
     * a cut that never comes fails at {@link #TIMEOUT}.
     */
    private static final Duration LATEST = IDLE.multipliedBy(5);

    private RawUpstream upstream;
    private ChaosProxy proxy;
    /** Request bodies' bytes the upstream has read. */
    private final AtomicInteger bodyBytes = new AtomicInteger();

    @BeforeAll
    static void warmUp() throws IOException {
        WarmProxy.warmUp();
    }

    @BeforeEach
    void start() throws IOException {
        upstream = RawUpstream.start(this::serve);
        proxy = ChaosProxy.start(upstream.uri());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        upstream.close();
    }

    /**
     * {@code /quick}: answers at once, keeps the connection for more; {@code /stall}: a chunked head and one chunk, then
     * nothing; {@code /poll}: answers after {@link #longPoll()}; anything else (an upgrade request, an upload): reads
     * what comes and never answers.
     */
    private void serve(RawUpstream.Connection connection) throws IOException {
        for (String head = connection.readHead(); head != null; head = connection.readHead()) {
            if (head.startsWith("GET /quick ")) {
                connection.write(RawUpstream.ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
                continue;
            }
            if (head.startsWith("GET /stall ")) {
                connection.write(RawUpstream.ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"));
            } else if (head.startsWith("GET /poll ")) {
                connection.readByte(longPoll()); // the poll's wait, for a byte the client never sends
                connection.write(RawUpstream.ascii("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnews"));
                continue;
            }
            for (int b = connection.readByte(TIMEOUT); b >= 0; b = connection.readByte(TIMEOUT)) {
                bodyBytes.incrementAndGet();
            }
            return;
        }
    }

    private static Duration longPoll() {
        return IDLE.multipliedBy(8);
    }

    @Test
    void anUpgradeRequestTheUpstreamNeverAnswersGets504() {
        proxy.inject(Faults.dropIdleConnections(IDLE, IdleTimer.ANY_DATA));
        Throwable failure = JdkWebSocketClient.handshakeFailure(proxy.uri(), null, TIMEOUT, null);

        assertThat(failure).as(String.valueOf(failure)).isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) failure).getResponse().statusCode()).isEqualTo(504);
        await().atMost(TIMEOUT).untilAsserted(() -> {
            ConnectionRecord record = proxy.recording().attempt(1);
            assertThat(record).wasHitBy("drop-idle").wasClosedBy(Closer.PROXY);
            assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(record.status()).isEqualTo(504);
            // Timed by the proxy's record: the JDK client's own start-up (its first use in the JVM) is not the proxy's.
            assertThat(record.responseAt().orElseThrow().minus(record.requestAt().orElseThrow()))
                    .isBetween(EARLIEST, LATEST);
        });
    }

    @Test
    void aResetCutResetsAStalledAnswer() throws Exception {
        proxy.inject(Faults.dropIdleConnections(IDLE, IdleTimer.ANY_DATA, IdleCut.RESET));
        try (RawHttp raw = RawHttp.connect(proxy.address())) {
            raw.send("GET /stall HTTP/1.1\r\nHost: app\r\n\r\n");
            assertThat(raw.readHead().status()).isEqualTo(200);
            assertThat(new String(raw.readBytes(10), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("5\r\nhello\r\n");
            assertThatThrownBy(raw::readToEnd).isInstanceOf(SocketException.class).hasMessageContaining("reset");
        }
        await().atMost(TIMEOUT).untilAsserted(() -> {
            ConnectionRecord record = proxy.recording().attempt(1);
            assertThat(record).wasHitBy("drop-idle").wasClosedBy(Closer.PROXY);
            assertThat(record.close().orElseThrow().cause()).isEqualTo("drop-idle");
            // Timed by the record, from the answer's head (its chunk came with it) to the reset: a client reading byte by
            // byte on a loaded machine (load 30 on two cores) saw both up to a second late.
            assertThat(record.closingAt().orElseThrow().minus(record.responseAt().orElseThrow())).isBetween(EARLIEST, LATEST);
        });
    }

    @Test
    void aStalledAnswerToALaterRequestIsNamedInTheRecord() throws Exception {
        // The record holds the connection's first request; the failure says which exchange stalled (a SockJS client
        // sends xhr_streaming on the connection its /info opened).
        proxy.inject(Faults.dropIdleConnections(IDLE, IdleTimer.ANY_DATA));
        try (RawHttp raw = RawHttp.connect(proxy.address())) {
            assertThat(raw.send("GET /quick HTTP/1.1\r\nHost: app\r\n\r\n").readResponse().body()).isEqualTo("ok");
            raw.send("GET /stall HTTP/1.1\r\nHost: app\r\n\r\n");
            assertThat(raw.readHead().status()).isEqualTo(200);
            raw.readTimeout(TIMEOUT);
            raw.readToEnd();
        }
        await().atMost(TIMEOUT).untilAsserted(() -> {
            ConnectionRecord record = proxy.recording().attempt(1);
            assertThat(record).wasEndedBy("drop-idle");
            assertThat(record.target()).isEqualTo("/quick");
            assertThat(record.failure()).isEqualTo("the upstream's answer to GET /stall (a later request on this"
                    + " kept-alive connection) stalled for " + IDLE + ": drop-idle closed the connection");
        });
    }

    @Test
    void aResetCutResetsARequestNeverAnswered() throws Exception {
        proxy.inject(Faults.dropIdleConnections(IDLE, IdleTimer.ANY_DATA, IdleCut.RESET));
        try (RawHttp raw = RawHttp.connect(proxy.address())) {
            raw.send("GET /silent HTTP/1.1\r\nHost: app\r\n\r\n");
            assertThatThrownBy(raw::readToEnd).isInstanceOf(SocketException.class).hasMessageContaining("reset");
        }
        await().atMost(TIMEOUT).untilAsserted(() -> {
            ConnectionRecord record = proxy.recording().attempt(1);
            assertThat(record).wasHitBy("drop-idle").wasClosedBy(Closer.PROXY);
            assertThat(record.outcome()).isEqualTo(Outcome.TIMED_OUT);
        });
    }

    @Test
    void aSlowUploadDoesNotKeepAnUpstreamDataTimerGoing() throws Exception {
        proxy.inject(Faults.dropIdleConnections(IDLE, IdleTimer.UPSTREAM_DATA));
        try (RawHttp raw = RawHttp.connect(proxy.address())) {
            raw.send("POST /upload HTTP/1.1\r\nHost: app\r\nTransfer-Encoding: chunked\r\n\r\n");
            long start = System.nanoTime();
            Duration uploadFor = IDLE.multipliedBy(3);
            // A chunk every quarter of the timeout for three timeouts, or until the proxy's answer ends the upload.
            await().pollDelay(Duration.ZERO).pollInterval(IDLE.dividedBy(4)).atMost(uploadFor.plus(TIMEOUT))
                    .until(() -> raw.available() > 0 || !sendChunk(raw) || System.nanoTime() - start > uploadFor.toNanos());
            assertThat(raw.readResponse().status()).isEqualTo(504);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the 504 came while the client was still sending")
                    .isBetween(EARLIEST, LATEST);
        }
        assertThat(bodyBytes).as("body bytes relayed before the cut").hasPositiveValue();
    }

    @Test
    void aSlowUploadKeepsAClientDataTimerGoing() throws Exception {
        // A longer timeout and a chunk ten times per timeout: the client's pacing must hold on a loaded machine, where a
        // chunk every 100 ms of a 400 ms timeout once came late enough to let the timer run out.
        Duration idle = Duration.ofSeconds(1);
        proxy.inject(Faults.dropIdleConnections(idle, IdleTimer.CLIENT_DATA));
        try (RawHttp raw = RawHttp.connect(proxy.address())) {
            raw.send("POST /upload HTTP/1.1\r\nHost: app\r\nTransfer-Encoding: chunked\r\n\r\n");
            long start = System.nanoTime();
            Duration uploadFor = idle.multipliedBy(2);
            await().pollDelay(Duration.ZERO).pollInterval(idle.dividedBy(10)).atMost(uploadFor.plus(TIMEOUT))
                    .until(() -> raw.available() > 0 || !sendChunk(raw) || System.nanoTime() - start > uploadFor.toNanos());
            assertThat(raw.available()).as("nothing answered while the client sent").isZero();
            long lastChunk = System.nanoTime();
            assertThat(raw.readResponse().status()).isEqualTo(504);
            assertThat(Duration.ofNanos(System.nanoTime() - lastChunk)).as("from the client's last chunk")
                    .isBetween(idle.multipliedBy(9).dividedBy(10), idle.multipliedBy(2));
        }
    }

    @Test
    void aFaultArmedWhileARequestWaitsCutsIt() throws Exception {
        try (RawHttp raw = RawHttp.connect(proxy.address())) {
            raw.send("GET /silent HTTP/1.1\r\nHost: app\r\n\r\n");
            await().atMost(TIMEOUT).until(() -> upstream.heads().size() == 1);
            long armed = System.nanoTime();
            proxy.inject(Faults.dropIdleConnections(IDLE, IdleTimer.ANY_DATA));
            assertThat(raw.readResponse().status()).isEqualTo(504);
            assertThat(Duration.ofNanos(System.nanoTime() - armed)).isBetween(EARLIEST, LATEST);
        }
    }

    @Test
    void anIdleKeepAliveConnectionWithNothingAskedIsNotTimed() throws Exception {
        proxy.inject(Faults.dropIdleConnections(IDLE, IdleTimer.ANY_DATA));
        try (RawHttp raw = RawHttp.connect(proxy.address())) {
            assertThat(raw.send("GET /quick HTTP/1.1\r\nHost: app\r\n\r\n").readResponse().body()).isEqualTo("ok");
            long answered = System.nanoTime();
            // Quiet for three timeouts, then the next request on the same connection.
            await().pollDelay(IDLE.multipliedBy(3)).atMost(TIMEOUT).until(() -> System.nanoTime() - answered > 0);
            assertThat(raw.send("GET /quick HTTP/1.1\r\nHost: app\r\n\r\n").readResponse().body()).isEqualTo("ok");
        }
        assertThat(proxy.recording().attempt(1).faults()).isEmpty();
    }

    @Test
    void aLongPollPassesOnceTheFaultIsDisarmed() throws Exception {
        try (FaultHandle fault = proxy.inject(Faults.dropIdleConnections(IDLE, IdleTimer.ANY_DATA));
                RawHttp raw = RawHttp.connect(proxy.address())) {
            raw.send("GET /poll HTTP/1.1\r\nHost: app\r\n\r\n");
            await().atMost(TIMEOUT).until(() -> upstream.heads().size() == 1);
            fault.close();
            assertThat(raw.readResponse().body()).as("the poll's answer, %s after its request", longPoll()).isEqualTo("news");
            assertThat(fault.hits()).isZero();
        }
        assertThat(proxy.recording().attempt(1).faults()).isEmpty();
    }

    /** Sends one chunk of an upload; false if the connection is gone. */
    private static boolean sendChunk(RawHttp raw) {
        try {
            raw.send("1\r\nx\r\n");
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
