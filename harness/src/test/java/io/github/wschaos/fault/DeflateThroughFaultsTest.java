package io.github.wschaos.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.testing.CloseStatus;
import io.github.wschaos.testing.EchoServer;
import io.github.wschaos.testing.FrameScripts;
import io.github.wschaos.testing.JettyEchoServer;
import io.github.wschaos.testing.NodeWsServer;
import io.github.wschaos.testing.ScriptedWebSocketClient;
import io.github.wschaos.testing.WsFrame;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Frame faults on {@code permessage-deflate} traffic (frames with RSV1 set) between a Netty client and a compressing
 * server, Node's {@code ws} ({@code perMessageDeflate: true}) and Jetty 12: compressed messages, fragmented with pings between the fragments,
 * arrive intact while pings are swallowed; a close code and an idle drop reach a compressing client as they do an
 * uncompressed one.
 */
class DeflateThroughFaultsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** The compressing servers. */
    enum Server {
        NODE_WS(NodeWsServer::start),
        JETTY(JettyEchoServer::start);

        private final Supplier<EchoServer> starter;

        Server(Supplier<EchoServer> starter) {
            this.starter = starter;
        }
    }

    private EchoServer server;
    private ChaosProxy proxy;
    private ScriptedWebSocketClient client;

    private void connect(Server kind) throws Exception {
        server = kind.starter.get();
        proxy = ChaosProxy.start(server.uri());
        client = ScriptedWebSocketClient.connect(proxy.uri(), null, true);
        assertThat(client.compressionNegotiated()).as("permessage-deflate negotiated with %s", kind).isTrue();
    }

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void compressedFragmentedMessagesPassWhilePingsAreSwallowed(Server kind) throws Exception {
        connect(kind);
        proxy.inject(Faults.swallowPings(Direction.BOTH));
        List<WsFrame> script = script(new Random(7));
        List<WsFrame> messages = wholeMessages(script);

        client.send(script);

        client.received().awaitReceived(messages.size(), 0, TIMEOUT);
        assertThat(client.received().frames()).as("the server echoes each message whole").containsExactlyElementsOf(messages);
        assertThat(client.received().pongs()).as("no pong comes back through swallowed pings").isEmpty();
        ConnectionRecord record = proxy.recording().attempt(1);
        assertThat(record.clientToUpstream().messages()).isEqualTo(messages.size());
        assertThat(record.clientToUpstream().controlFrames()).as("pings swallowed before the relay").isZero();
        long payload = messages.stream().mapToLong(frame -> frame.payload().length).sum();
        assertThat(record.upstreamToClient().bytes()).as("compressed on the wire").isLessThan(payload / 4);
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void aCloseCodeReachesACompressingClientAndTheServer(Server kind) throws Exception {
        connect(kind);
        List<WsFrame> script = script(new Random(8));
        client.send(script);
        client.received().awaitReceived(wholeMessages(script).size(), 0, TIMEOUT);

        proxy.inject(Faults.closeWithCode(1001, "going away"));

        await().atMost(TIMEOUT).until(() -> !client.received().closes().isEmpty());
        byte[] close = client.received().closes().get(0).payload();
        assertThat((close[0] & 0xFF) << 8 | (close[1] & 0xFF)).isEqualTo(1001);
        assertThat(new String(close, 2, close.length - 2, StandardCharsets.UTF_8)).isEqualTo("going away");
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(server.closesReceived())
                .extracting(CloseStatus::code).containsExactly(1001));
        assertThat(client.received().failures()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void anIdleCompressedConnectionIsDroppedWithoutACloseFrame(Server kind) throws Exception {
        connect(kind);
        List<WsFrame> script = script(new Random(9));
        client.send(script);
        client.received().awaitReceived(wholeMessages(script).size(), 0, TIMEOUT);

        proxy.inject(Faults.dropIdleConnections(Duration.ofMillis(200)));

        await().atMost(TIMEOUT).until(() -> proxy.recording().attempt(1).isClosed());
        assertThat(client.received().closes()).as("a FIN, no close frame").isEmpty();
        assertThat(proxy.recording().attempt(1).close()).hasValueSatisfying(info -> {
            assertThat(info.closeFrame()).isFalse();
            assertThat(info.cause()).isEqualTo("drop-idle");
        });
    }

    /** Compressible text and binary messages over ws's 1 KiB compression threshold, fragmented, with pings between. */
    private static List<WsFrame> script(Random random) {
        List<WsFrame> frames = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            byte[] payload = ("message " + i + " " + "abcdefgh".repeat(500 + random.nextInt(2000))).getBytes(StandardCharsets.UTF_8);
            WsFrame.Kind kind = i % 2 == 0 ? WsFrame.Kind.TEXT : WsFrame.Kind.BINARY;
            int cut = payload.length / 3;
            if (i % 3 == 0) {
                frames.add(new WsFrame(kind, true, payload));
            } else {
                frames.add(new WsFrame(kind, false, Arrays.copyOfRange(payload, 0, cut)));
                frames.add(new WsFrame(WsFrame.Kind.PING, true, FrameScripts.bytes(random, 10)));
                frames.add(new WsFrame(WsFrame.Kind.CONTINUATION, true, Arrays.copyOfRange(payload, cut, payload.length)));
            }
            frames.add(new WsFrame(WsFrame.Kind.PING, true, FrameScripts.bytes(random, 4)));
        }
        return frames;
    }

    /** Each message of {@code script} as one unfragmented frame, as the servers echo it. */
    private static List<WsFrame> wholeMessages(List<WsFrame> script) {
        List<WsFrame> messages = new ArrayList<>();
        ByteArrayOutputStream current = new ByteArrayOutputStream();
        WsFrame.Kind kind = null;
        for (WsFrame frame : script) {
            if (frame.isControl()) {
                continue;
            }
            if (frame.kind() != WsFrame.Kind.CONTINUATION) {
                kind = frame.kind();
                current.reset();
            }
            current.writeBytes(frame.payload());
            if (frame.fin()) {
                messages.add(new WsFrame(kind, true, current.toByteArray()));
            }
        }
        return messages;
    }
}
