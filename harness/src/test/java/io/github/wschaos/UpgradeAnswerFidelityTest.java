package io.github.wschaos;

import static io.github.wschaos.testing.RawUpstream.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.fault.Direction;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.record.Closer;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import io.github.wschaos.testing.RawWebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * With no fault armed, the upstream's answer to an upgrade reaches the client as the upstream wrote it: a frame
 * written in the same TCP write as the {@code 101} (a welcome message, as Socket.IO and many servers send), a close
 * right after the {@code 101}, and the extra headers of the {@code 101} with their names' case.
 */
class UpgradeAnswerFidelityTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void aWelcomeFrameInTheSameWriteAsThe101ReachesTheClientIntact() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(""),
                            RawUpstream.serverFrame(0x1, ascii("welcome")), RawUpstream.serverFrame(0x9, ascii("hb")));
                    connection.readToEnd();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawWebSocket socket = RawWebSocket.open(proxy.address(), "/")) {
            assertThat(socket.readFrame(0x81)).isEqualTo("welcome");
            assertThat(socket.readFrame(0x89)).isEqualTo("hb");
            socket.close();
            ConnectionRecord record = closedRecord(proxy);
            assertThat(record.outcome()).isEqualTo(Outcome.UPGRADED);
            assertThat(record.upstreamToClient().messages()).isEqualTo(1);
            assertThat(record.upstreamToClient().controlFrames()).isEqualTo(1);
        }
    }

    @Test
    void aFrameFaultArmedBeforeTheUpgradeActsOnFramesInThe101sWrite() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(""), RawUpstream.serverFrame(0x9, ascii("hb")),
                            RawUpstream.serverFrame(0x1, ascii("welcome")));
                    connection.readToEnd();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            proxy.inject(Faults.swallowPings(Direction.DOWNSTREAM));
            try (RawWebSocket socket = RawWebSocket.open(proxy.address(), "/")) {
                assertThat(socket.readFrame(0x81)).as("the ping before it swallowed").isEqualTo("welcome");
            }
            ConnectionRecord record = closedRecord(proxy);
            assertThat(record.upstreamToClient().controlFrames()).isZero();
            assertThat(record.upstreamToClient().messages()).isEqualTo(1);
        }
    }

    @Test
    void aCloseRightAfterThe101ReachesTheClientBeforeTheFin() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(""), RawUpstream.closeFrame(1008, "policy"));
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawWebSocket socket = RawWebSocket.open(proxy.address(), "/")) {
            assertThat(socket.readUntilEof(TIMEOUT)).isEqualTo(RawUpstream.closeFrame(1008, "policy"));
            ConnectionRecord record = closedRecord(proxy);
            assertThat(record.outcome()).isEqualTo(Outcome.UPGRADED);
            assertThat(record.close()).hasValueSatisfying(close -> {
                assertThat(close.closer()).isEqualTo(Closer.UPSTREAM);
                assertThat(close.code()).hasValue(1008);
                assertThat(close.reason()).isEqualTo("policy");
            });
        }
    }

    @Test
    void theExtraHeadersOfThe101AreRelayedAsWritten() throws Exception {
        String extra = "Sec-WebSocket-Protocol: v2.chat.example\r\n"
                + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=10; server_no_context_takeover\r\n"
                + "X-Request-ID: AbC-123\r\n"
                + "set-cookie: session=s1; Path=/; HttpOnly\r\n";
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(extra));
                    connection.readToEnd();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            String head = http.send(RawHttp.upgradeRequest(proxy.address(), "/")).readRawHead();

            assertThat(head).isEqualTo(new String(RawUpstream.switchingProtocols(extra), StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void aRefusalsStatusLineAndHeadersAreRelayedAsWritten() throws Exception {
        String refusal = "HTTP/1.1 403 Origin Not Allowed\r\nX-Reason: origin\r\ncontent-type: text/plain\r\nContent-Length: 4\r\n\r\n";
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(ascii(refusal + "nope"));
                    connection.readToEnd();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            http.send(RawHttp.upgradeRequest(proxy.address(), "/"));

            assertThat(http.readRawHead()).isEqualTo(refusal);
            assertThat(new String(http.readBytes(4), StandardCharsets.ISO_8859_1)).isEqualTo("nope");
        }
    }

    private static ConnectionRecord closedRecord(ChaosProxy proxy) {
        await("connection #1 recorded as closed").atMost(TIMEOUT)
                .until(() -> proxy.recording().attempts() == 1 && proxy.recording().attempt(1).isClosed());
        return proxy.recording().attempt(1);
    }
}
