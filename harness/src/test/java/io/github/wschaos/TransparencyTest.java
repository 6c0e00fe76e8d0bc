package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.record.Closer;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.record.Traffic;
import io.github.wschaos.testing.FrameScripts;
import io.github.wschaos.testing.NettyEchoServer;
import io.github.wschaos.testing.RawWebSocket;
import io.github.wschaos.testing.ScriptedWebSocketClient;
import io.github.wschaos.testing.ScriptedWebSocketServer;
import io.github.wschaos.testing.WsFrame;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * With no fault armed, what one side sends is what the other side receives, frame by frame and byte for
 * byte, in both directions at once: text and binary messages from 0 B to 16 MiB, whole and fragmented,
 * pings in between, with and without {@code permessage-deflate}, over {@code ws://} and {@code wss://}.
 * The recording counts exactly the frames that were sent.
 */
class TransparencyTest {

    private static final long SEED = 0x5eed_cafeL;
    private static final int MIB = 1024 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String CLOSE_REASON = "done";

    static Stream<Arguments> transports() {
        return Stream.of(
                Arguments.of("ws", false), Arguments.of("ws", true),
                Arguments.of("wss", false), Arguments.of("wss", true));
    }

    @ParameterizedTest(name = "{0}, permessage-deflate {1}")
    @MethodSource("transports")
    void relaysEveryFrameUnchangedBothWays(String scheme, boolean deflate) throws Exception {
        boolean tls = scheme.equals("wss");
        Random random = new Random(SEED + (tls ? 2 : 0) + (deflate ? 1 : 0));
        List<WsFrame> clientScript = FrameScripts.messages(random, sizes(random, 16 * MIB), MIB, !deflate);
        List<WsFrame> serverScript = FrameScripts.messages(random, sizes(random, 16 * MIB), MIB, !deflate);

        try (ScriptedWebSocketServer server = ScriptedWebSocketServer.start(serverScript);
                ChaosProxy proxy = tls
                        ? ChaosProxy.builder().upstream(server.uri()).tls().start()
                        : ChaosProxy.start(server.uri());
                ScriptedWebSocketClient client = ScriptedWebSocketClient.connect(proxy.uri(), clientTls(proxy), deflate)) {
            assertThat(proxy.uri().getScheme()).isEqualTo(scheme);
            assertThat(client.compressionNegotiated()).as("permessage-deflate negotiated").isEqualTo(deflate);
            client.send(clientScript);

            client.received().awaitReceived(serverScript.size(), pings(clientScript).size(), TIMEOUT);
            server.received().awaitReceived(clientScript.size(), pings(serverScript).size(), TIMEOUT);
            assertThat(server.received().frames()).as("frames at the server (seed %d)", SEED).containsExactlyElementsOf(clientScript);
            assertThat(client.received().frames()).as("frames at the client (seed %d)", SEED).containsExactlyElementsOf(serverScript);
            assertThat(client.received().pongs()).as("pongs at the client").containsExactlyElementsOf(pongsFor(clientScript));
            assertThat(server.received().pongs()).as("pongs at the server").containsExactlyElementsOf(pongsFor(serverScript));

            client.closeHandshake(1000, CLOSE_REASON, TIMEOUT);
            await("the connection recorded as closed").atMost(TIMEOUT).until(() -> proxy.recording().attempt(1).isClosed());
            ConnectionRecord record = proxy.recording().attempt(1);
            assertThat(proxy.recording().attempts()).isEqualTo(1);
            assertThat(record.outcome()).isEqualTo(Outcome.UPGRADED);
            assertThat(record.header("Sec-WebSocket-Extensions").isPresent()).as("extension offered").isEqualTo(deflate);
            assertThat(record.close()).hasValueSatisfying(close -> {
                assertThat(close.closer()).isEqualTo(Closer.CLIENT);
                assertThat(close.code()).hasValue(1000);
                assertThat(close.reason()).isEqualTo(CLOSE_REASON);
            });
            assertThat(record.clientToUpstream()).as("client -> upstream")
                    .usingRecursiveComparison().ignoringFields("bytes")
                    .isEqualTo(expectedTraffic(clientScript, serverScript, 0));
            assertThat(record.upstreamToClient()).as("upstream -> client")
                    .usingRecursiveComparison().ignoringFields("bytes")
                    .isEqualTo(expectedTraffic(serverScript, clientScript, 0));
            if (!deflate) {
                // Without compression the wire size is known: every header and payload byte was counted.
                assertThat(record.clientToUpstream().bytes()).isEqualTo(wireBytes(clientScript, serverScript, true));
                assertThat(record.upstreamToClient().bytes()).isEqualTo(wireBytes(serverScript, clientScript, false));
            }
        }
    }

    /**
     * A client that sends its first frame the moment the {@code 101} arrives, while the proxy is still turning the
     * upstream connection from HTTP into a byte relay, gets its echo: the frame is not taken for an HTTP request
     * (which failed the upstream connection and closed the client's with 1006 on io_uring, 7 connections in 30
     * before the fix). Many connections, since each is one chance for the race.
     */
    @Test
    void relaysAFrameSentTheMomentThe101Arrives() throws Exception {
        int connections = 100;
        try (NettyEchoServer server = NettyEchoServer.start(); ChaosProxy proxy = ChaosProxy.start(server.uri())) {
            for (int i = 1; i <= connections; i++) {
                try (RawWebSocket socket = RawWebSocket.open(proxy.address(), server.uri().getPath())) {
                    socket.sendText("first " + i);
                    assertThat(socket.readFrame(0x81)).as("echo on connection %d", i).isEqualTo("first " + i);
                }
            }
            await("every connection recorded as closed").atMost(TIMEOUT)
                    .until(() -> proxy.recording().connections().stream().allMatch(ConnectionRecord::isClosed));
            assertThat(proxy.recording().connections()).hasSize(connections).allSatisfy(record -> assertThat(record.close())
                    .as("#%d closed by the client, which hung up after its echo", record.attempt())
                    .hasValueSatisfying(close -> assertThat(close.closer()).isEqualTo(Closer.CLIENT)));
        }
    }

    /** Message sizes: the frame-length boundaries, small and medium random ones, and one of {@code largest}. */
    private static List<Integer> sizes(Random random, int largest) {
        List<Integer> sizes = new ArrayList<>(List.of(0, 1, 125, 126, 127, 65535, 65536, 65537, largest));
        for (int i = 0; i < 6; i++) {
            sizes.add(random.nextInt(70_000));
        }
        for (int i = 0; i < 2; i++) {
            sizes.add(100_000 + random.nextInt(2 * MIB));
        }
        Collections.shuffle(sizes, random);
        return sizes;
    }

    private static SslContext clientTls(ChaosProxy proxy) throws Exception {
        if (!proxy.uri().getScheme().equals("wss")) {
            return null;
        }
        return SslContextBuilder.forClient().trustManager(proxy.certificate().trustManagerFactory()).build();
    }

    private static List<WsFrame> pings(List<WsFrame> script) {
        return script.stream().filter(frame -> frame.kind() == WsFrame.Kind.PING).toList();
    }

    private static List<WsFrame> pongsFor(List<WsFrame> script) {
        return pings(script).stream().map(ping -> new WsFrame(WsFrame.Kind.PONG, true, ping.payload())).toList();
    }

    /** One direction: the sender's script, its pongs for the other side's pings, and one close frame. */
    private static Traffic expectedTraffic(List<WsFrame> sent, List<WsFrame> other, long bytes) {
        long pongs = pings(other).size();
        long pings = pings(sent).size();
        long messages = sent.stream().filter(WsFrame::endsMessage).count();
        return new Traffic(sent.size() + pongs + 1, messages, pings + pongs + 1, bytes);
    }

    private static long wireBytes(List<WsFrame> sent, List<WsFrame> other, boolean masked) {
        long total = frameBytes(2 + CLOSE_REASON.length(), masked);
        for (WsFrame frame : sent) {
            total += frameBytes(frame.payload().length, masked);
        }
        for (WsFrame ping : pings(other)) {
            total += frameBytes(ping.payload().length, masked);
        }
        return total;
    }

    private static long frameBytes(int payload, boolean masked) {
        int header = 2 + (payload <= 125 ? 0 : payload <= 65535 ? 2 : 8) + (masked ? 4 : 0);
        return header + (long) payload;
    }
}
