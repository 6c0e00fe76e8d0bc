package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.fault.Faults;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client that gives up (closes its connection) while its upgrade request waits, for a handshake delay or for the
 * upstream's answer, is noticed at once, as nginx notices it (its 499): the record ends then, and a delayed request is
 * not sent on to an upstream nobody waits for. On every transport: NIO, a library user's default without Netty's
 * native jars (and on macOS and Windows), learns of a FIN only by reading, where epoll and io_uring report it anyway.
 */
class ClientGoneWhileWaitingTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @ParameterizedTest(name = "transport: {0}")
    @ValueSource(strings = {"nio", "default"})
    void aClientGoneDuringAHandshakeDelayEndsTheAttemptAndTheRequestGoesNowhere(String transport) throws Exception {
        AtomicInteger requests = new AtomicInteger();
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    if (connection.readHead() != null) {
                        requests.incrementAndGet();
                    }
                    connection.readToEnd();
                });
                ChaosProxy proxy = startOn(transport, upstream)) {
            Duration delay = Duration.ofMillis(1500);
            proxy.inject(Faults.delayHandshake(delay));
            try (RawHttp http = RawHttp.connect(proxy.address())) {
                http.send(RawHttp.upgradeRequest(proxy.address(), "/"));
                await().atMost(WAIT).until(() -> proxy.recording().attempts() == 1);
            }
            // Ended when the client left, well before the delay would have run out.
            ConnectionRecord record = await().atMost(Duration.ofMillis(1200))
                    .until(() -> proxy.recording().attempt(1), ConnectionRecord::isClosed);
            assertThat(record.outcome()).as(record.toString()).isEqualTo(Outcome.TIMED_OUT);
            // And past the delay (plus 500 ms), the held request has still not gone on to the upstream.
            await().during(delay.plusMillis(500)).atMost(delay.plusSeconds(2))
                    .untilAsserted(() -> assertThat(requests).as("requests the upstream got").hasValue(0));
        }
    }

    @ParameterizedTest(name = "transport: {0}")
    @ValueSource(strings = {"nio", "default"})
    void aClientGoneWhileTheUpstreamThinksIsAbortedAndTheUpstreamConnectionClosed(String transport) throws Exception {
        CompletableFuture<Long> upstreamSawTheEnd = new CompletableFuture<>();
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    long start = System.nanoTime();
                    connection.readToEnd(); // never answers: "thinks" until the proxy closes
                    upstreamSawTheEnd.complete(System.nanoTime() - start);
                });
                ChaosProxy proxy = startOn(transport, upstream)) {
            try (RawHttp http = RawHttp.connect(proxy.address())) {
                http.send(RawHttp.upgradeRequest(proxy.address(), "/"));
                await().atMost(WAIT).until(() -> upstream.heads().size() == 1);
            }
            ConnectionRecord record = await().atMost(WAIT)
                    .until(() -> proxy.recording().attempt(1), ConnectionRecord::isClosed);
            assertThat(record.outcome()).as(record.toString()).isEqualTo(Outcome.ABORTED_BY_CLIENT);
            upstreamSawTheEnd.get(5, TimeUnit.SECONDS); // the upstream's connection closed, or this times out
        }
    }

    /** A proxy on {@code transport} ("default": the best this machine offers, as in every other test). */
    private static ChaosProxy startOn(String transport, RawUpstream upstream) {
        if (transport.equals("default")) {
            return ChaosProxy.start(upstream.uri());
        }
        String before = System.getProperty("wschaos.transport");
        System.setProperty("wschaos.transport", transport); // read when the proxy starts; the harness runs tests one by one
        try {
            return ChaosProxy.start(upstream.uri());
        } finally {
            if (before == null) {
                System.clearProperty("wschaos.transport");
            } else {
                System.setProperty("wschaos.transport", before);
            }
        }
    }
}
