package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.testing.NettyEchoServer;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A peer that dies mid-message (its kernel resets the connection right after part of a frame or of a head) ends the
 * other side's connection too, every time, as behind nginx: no upstream connection left open, no client left waiting.
 * Netty 4.2.18's io_uring transport with its multishot {@code POLL_ADD} missed such resets now and then (479 upstream
 * connections of 2,000 left open, 48 clients of 1,000 hung), which is why the proxy turns that off.
 */
class PeerResetMidMessageTest {

    private static final int CYCLES = 300;
    private static final int AT_ONCE = 25;
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void aClientResetMidFrameClosesItsUpstreamConnection() throws Exception {
        try (NettyEchoServer upstream = NettyEchoServer.start(); ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            byte[] partialFrame = {(byte) 0x82, (byte) 0xFE, 0x10, 0x00, 1, 2, 3, 4, 9, 9, 9, 9, 9, 9, 9, 9}; // 16 of 4,104 bytes
            concurrently(cycle -> {
                try (Socket client = new Socket(proxy.address().getAddress(), proxy.port())) {
                    client.setSoTimeout((int) WAIT.toMillis());
                    OutputStream out = client.getOutputStream();
                    out.write(RawHttp.upgradeRequest(proxy.address(), "/echo").getBytes(StandardCharsets.ISO_8859_1));
                    assertThat(readHead(client.getInputStream())).startsWith("HTTP/1.1 101");
                    out.write(partialFrame);
                    out.flush();
                    // The dying client's own timing, not a wait for the proxy: its RST follows the data 2 ms later,
                    // once the proxy has read and relayed the part (the window in which io_uring lost the reset).
                    pause();
                    client.setSoLinger(true, 0); // the close below sends an RST
                }
            });
            Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(proxy.recording().connections())
                    .as("every connection ended, its upstream side closed").hasSize(CYCLES)
                    .allMatch(ConnectionRecord::isClosed));
        }
    }

    @Test
    void anUpstreamResetMidHeadGetsEveryClientA502() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    if (connection.readHead() != null) {
                        connection.write(RawUpstream.ascii("HTTP/1.1 101 Switching Prot"));
                        pause(); // the dying server's own timing, not a wait for the proxy
                        connection.reset();
                    }
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            concurrently(cycle -> {
                try (RawHttp client = RawHttp.connect(proxy.address())) {
                    client.readTimeout(WAIT);
                    assertThat(client.send(RawHttp.upgradeRequest(proxy.address(), "/chat")).readResponse().status())
                            .as("request %d", cycle + 1).isEqualTo(502);
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("request " + (cycle + 1) + " got no answer within " + WAIT.toSeconds()
                            + " s: the upstream's reset was not seen", e);
                }
            });
        }
    }

    /** One cycle of a client, {@value #CYCLES} times, {@value #AT_ONCE} at a time; the first failure is thrown. */
    private static void concurrently(Cycle cycle) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(AT_ONCE);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < CYCLES; i++) {
                int number = i;
                done.add(clients.submit(() -> {
                    cycle.run(number);
                    return null;
                }));
            }
            for (Future<?> future : done) {
                try {
                    future.get(WAIT.multipliedBy(4).toSeconds(), TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw e;
                }
            }
        } finally {
            clients.shutdownNow();
        }
    }

    /** 2 ms: a peer's reset that follows its last data by that much, once the proxy has read and relayed it. */
    private static void pause() {
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }

    @FunctionalInterface
    private interface Cycle {
        void run(int number) throws Exception;
    }

    private static String readHead(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (head.indexOf("\r\n\r\n") < 0) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
