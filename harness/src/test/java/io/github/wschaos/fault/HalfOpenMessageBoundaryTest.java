package io.github.wschaos.fault;

import static io.github.wschaos.testing.RawUpstream.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import io.github.wschaos.testing.RawWebSocket;
import io.github.wschaos.testing.RequiredTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link HalfOpen} armed in the middle of a fragmented message lets the rest of that message through, so that the
 * client never sees a message cut short followed by a new one (a protocol error that fails the connection: Node's
 * {@code ws} closes with 1002); the frames of the messages after it are dropped until it is disarmed. Disarmed in the
 * middle of a message whose first frame it dropped, it drops the rest of that message too.
 */
class HalfOpenMessageBoundaryTest {

    private static final byte[] NO_MORE = new byte[0];

    @Test
    void armedMidMessageTheMessageEndsWholeAndTheNextOnesAreDropped() throws Exception {
        if (!Files.isReadable(Path.of("/proc/net/tcp"))) {
            RequiredTool.missing("this test reads Linux's /proc/net/tcp, which is not here");
        }
        BlockingQueue<byte[]> toSend = new LinkedBlockingQueue<>();
        Semaphore written = new Semaphore(0);
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(""));
                    for (byte[] next = take(toSend); next != NO_MORE; next = take(toSend)) {
                        connection.write(next);
                        written.release();
                    }
                    connection.readToEnd();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            assertThat(http.send(RawHttp.upgradeRequest(proxy.address(), "/")).readRawHead()).startsWith("HTTP/1.1 101 ");
            RawWebSocket client = RawWebSocket.over(http);

            toSend.add(frame(0x01, "first half, ")); // a text message begins: no FIN
            assertThat(client.readFrame(0x01)).isEqualTo("first half, ");
            FaultHandle halfOpen = proxy.inject(Faults.halfOpen(Direction.DOWNSTREAM));

            toSend.add(frame(0x80, "second half")); // its last fragment, armed or not
            toSend.add(frame(0x81, "lost"));
            assertThat(client.readFrame(0x80)).as("the message under way ends whole").isEqualTo("second half");
            // 'lost' written and read by the proxy before the disarming (as in the test below): otherwise the upstream's
            // thread may write it after, and it is relayed (seen once in CI).
            assertThat(written.tryAcquire(3, 5, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> unreadByProxy(upstream.uri().getPort()) == 0);
            halfOpen.close();
            toSend.add(frame(0x81, "after"));
            assertThat(client.readFrame(0x81)).as("'lost' was dropped, the next message comes").isEqualTo("after");
            toSend.add(NO_MORE);
        }
    }

    @Test
    void disarmedMidADroppedMessageItsLastFragmentIsDroppedToo() throws Exception {
        if (!Files.isReadable(Path.of("/proc/net/tcp"))) {
            RequiredTool.missing("this test reads Linux's /proc/net/tcp, which is not here");
        }
        BlockingQueue<byte[]> toSend = new LinkedBlockingQueue<>();
        Semaphore written = new Semaphore(0);
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(""));
                    for (byte[] next = take(toSend); next != NO_MORE; next = take(toSend)) {
                        connection.write(next);
                        written.release();
                    }
                    connection.readToEnd();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            assertThat(http.send(RawHttp.upgradeRequest(proxy.address(), "/")).readRawHead()).startsWith("HTTP/1.1 101 ");
            RawWebSocket client = RawWebSocket.over(http);
            FaultHandle halfOpen = proxy.inject(Faults.halfOpen(Direction.DOWNSTREAM));

            toSend.add(frame(0x01, "first half, ")); // dropped: no FIN, the message stays open
            // Written (loopback delivers it into the proxy's receive queue within the write), then read by the proxy
            // once that queue is empty: a read is handled in the same event-loop pass, ahead of the disarming task.
            // Nothing reaches the client to wait for.
            assertThat(written.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> unreadByProxy(upstream.uri().getPort()) == 0);
            halfOpen.close();

            toSend.add(frame(0x80, "second half")); // its last fragment: dropped with it, not a lone continuation
            toSend.add(frame(0x81, "after"));
            assertThat(client.readFrame(0x81)).as("the next message, whole").isEqualTo("after");
            toSend.add(NO_MORE);
        }
    }

    /** The bytes waiting in the receive queues of the connections to {@code upstreamPort} ({@code /proc/net/tcp}). */
    private static long unreadByProxy(int upstreamPort) throws IOException {
        String port = String.format(":%04X", upstreamPort);
        long unread = 0;
        for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length > 4 && fields[2].endsWith(port)) {
                unread += Long.parseLong(fields[4].substring(fields[4].indexOf(':') + 1), 16);
            }
        }
        return unread;
    }

    private static byte[] frame(int firstByte, String text) {
        byte[] payload = ascii(text);
        byte[] frame = new byte[2 + payload.length];
        frame[0] = (byte) firstByte;
        frame[1] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, 2, payload.length);
        return frame;
    }

    private static byte[] take(BlockingQueue<byte[]> queue) {
        try {
            byte[] next = queue.poll(10, TimeUnit.SECONDS);
            return next == null ? NO_MORE : next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NO_MORE;
        }
    }
}
