package io.github.wschaos.fault;

import static io.github.wschaos.testing.RawUpstream.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import io.github.wschaos.testing.RawWebSocket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Frame faults armed while a large frame is half relayed start at the end of that frame: the rest of its payload is
 * relayed as it is, even where its bytes look like frame headers (here pairs {@code 0x89 0x00}, an empty ping each),
 * and the frames after it are filtered.
 */
class SwallowPingsMidFrameTest {

    private static final int PAYLOAD = 60_000;
    private static final int HEADER = 4; // FIN + binary, 126, 16-bit length

    @Test
    void pingsAreSwallowedFromTheEndOfTheFrameInFlight() throws Exception {
        byte[] payload = new byte[PAYLOAD];
        for (int i = 0; i < PAYLOAD; i += 2) {
            payload[i] = (byte) 0x89;
        }
        byte[] header = ByteBuffer.allocate(HEADER).put((byte) 0x82).put((byte) 126).putShort((short) PAYLOAD).array();
        CompletableFuture<Void> rest = new CompletableFuture<>();
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(""), header, Arrays.copyOfRange(payload, 0, PAYLOAD / 2));
                    rest.orTimeout(10, TimeUnit.SECONDS).join();
                    connection.write(Arrays.copyOfRange(payload, PAYLOAD / 2, PAYLOAD), RawUpstream.serverFrame(0x9, ascii("hb")),
                            RawUpstream.serverFrame(0x1, ascii("after")));
                    connection.readToEnd();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            assertThat(http.send(RawHttp.upgradeRequest(proxy.address(), "/")).readHead().status()).isEqualTo(101);
            assertThat(http.readBytes(HEADER + PAYLOAD / 2)).as("the frame's first half").startsWith(header);

            proxy.inject(Faults.swallowPings(Direction.DOWNSTREAM));
            rest.complete(null);

            assertThat(ByteBuffer.wrap(http.readBytes(PAYLOAD / 2))).as("the frame's second half, as sent")
                    .isEqualTo(ByteBuffer.wrap(payload, PAYLOAD / 2, PAYLOAD / 2));
            assertThat(RawWebSocket.over(http).readFrame(0x81)).as("the next message; the ping before it swallowed")
                    .isEqualTo("after");
        }
    }

    @Test
    void malformedPingsArePassedOnForThePeerToJudge() throws Exception {
        // RFC 6455 forbids a control frame without FIN, with an RSV bit no extension set, or with more than 125 bytes: without the fault the client fails
        // the connection on it, so the fault must not hide it, nor read a huge claimed length as a ping to swallow.
        byte[] unfinished = {(byte) 0x09, 1, 'p'};
        byte[] rsvSet = {(byte) 0xC9, 1, 'r'}; // RSV1: no extension sets it on a control frame
        byte[] tooLong = ByteBuffer.allocate(4 + 200).put((byte) 0x89).put((byte) 126).putShort((short) 200).array();
        byte[] huge = ByteBuffer.allocate(10 + 4).put((byte) 0x89).put((byte) 127).putLong(1_000_000_000_000L)
                .put(ascii("tail")).array();
        byte[] after = RawUpstream.serverFrame(0x1, ascii("after"));
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(""), unfinished, rsvSet, tooLong,
                            RawUpstream.serverFrame(0x9, ascii("hb")), after, huge);
                    connection.readToEnd();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            proxy.inject(Faults.swallowPings(Direction.DOWNSTREAM));
            assertThat(http.send(RawHttp.upgradeRequest(proxy.address(), "/")).readHead().status()).isEqualTo(101);
            byte[] expected = ByteBuffer.allocate(unfinished.length + rsvSet.length + tooLong.length + after.length
                    + huge.length).put(unfinished).put(rsvSet).put(tooLong).put(after).put(huge).array();
            assertThat(http.readBytes(expected.length)).as("all but the valid ping, as sent").isEqualTo(expected);
        }
    }
}
