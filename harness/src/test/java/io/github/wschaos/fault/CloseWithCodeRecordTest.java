package io.github.wschaos.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the record says of a connection that {@code closeWithCode} ends while its upstream is slow to answer the close
 * (or never does, so that the proxy closes its side after the grace period): the frames the proxy drops after its
 * close are not counted as relayed, and the attempt ends for the client when its close came, so that a client that
 * reconnects at once has a delay of zero or more, not minus the upstream's grace period.
 */
class CloseWithCodeRecordTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final byte[] CLOSE_1012 = RawUpstream.closeFrame(1012, "restart");

    @Test
    void framesTheUpstreamSendsAfterTheCloseAreDroppedAndNotCounted() throws Exception {
        CompletableFuture<Void> closeArrived = new CompletableFuture<>();
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(""), text("one"), text("two"));
                    connection.readBytes(2 + 4 + 2 + "restart".length()); // the proxy's masked close frame
                    closeArrived.complete(null);
                    connection.write(text("three"), text("four"), text("five")); // no close frame of its own
                    connection.readToEnd();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp client = RawHttp.connect(proxy.address())) {
            assertThat(client.send(RawHttp.upgradeRequest(proxy.address(), "/")).readHead().status()).isEqualTo(101);
            assertThat(client.readBytes(2 * text("one").length)).isEqualTo(concat(text("one"), text("two")));

            proxy.inject(Faults.closeWithCode(1012, "restart"));
            closeArrived.get(5, TimeUnit.SECONDS);

            assertThat(client.readBytes(CLOSE_1012.length)).as("the close frame, and nothing of the frames after it")
                    .isEqualTo(CLOSE_1012);
            ConnectionRecord record = await().atMost(WAIT).until(() -> proxy.recording().attempt(1),
                    ConnectionRecord::isClosed);
            assertThat(record.upstreamToClient().messages()).as("messages the client got").isEqualTo(2);
            assertThat(record.upstreamToClient().frames()).isEqualTo(2);
        }
    }

    @Test
    void anAttemptEndsForTheClientWithItsCloseWhileTheUpstreamSideWaitsOutTheGracePeriod() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(""));
                    connection.readToEnd(); // never answers the close: the proxy closes this side after its grace
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            try (RawHttp first = RawHttp.connect(proxy.address())) {
                assertThat(first.send(RawHttp.upgradeRequest(proxy.address(), "/")).readHead().status()).isEqualTo(101);
                proxy.inject(Faults.closeWithCode(1012, "restart"), Target.attempt(1));
                assertThat(first.readBytes(CLOSE_1012.length)).isEqualTo(CLOSE_1012);
            }
            // The client reconnects at once, long before the upstream's side of the first attempt is closed.
            try (RawHttp second = RawHttp.connect(proxy.address())) {
                assertThat(second.send(RawHttp.upgradeRequest(proxy.address(), "/")).readHead().status())
                        .isEqualTo(101);
                ConnectionRecord first = await().atMost(WAIT).until(() -> proxy.recording().attempt(1),
                        ConnectionRecord::isClosed);
                ConnectionRecord next = proxy.recording().attempt(2);

                assertThat(first.closedAt().orElseThrow()).as("both sides closed: after the next attempt began")
                        .isGreaterThan(next.acceptedAt());
                assertThat(first.endedAt()).as("the end the client saw: its close frame")
                        .isEqualTo(first.closingAt().orElseThrow())
                        .isLessThanOrEqualTo(next.acceptedAt());
            }
        }
    }

    private static byte[] text(String text) {
        return RawUpstream.serverFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
