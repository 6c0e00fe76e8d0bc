package io.github.wschaos;

import static io.github.wschaos.testing.RawUpstream.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.fault.Direction;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.record.Closer;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Traffic;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Frame headers cut into pieces of 1 to 9 bytes, each piece its own TCP segment (a first proxy's {@code slicer}
 * toxic in front of the proxy under test): 7-, 16- and 64-bit lengths, a message fragmented with a ping and a pong
 * between its fragments, an empty fragment, a close frame. What the upstream wrote reaches the client byte for byte,
 * and the recording counts exactly its frames, messages and bytes.
 */
class SplitFrameHeadersTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Test
    void headersCutIntoPiecesAreCountedExactly() throws Exception {
        byte[] stream = script();
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(""), stream);
                    connection.readToEnd();
                });
                ChaosProxy slicing = ChaosProxy.start(upstream.uri());
                ChaosProxy proxy = ChaosProxy.start(slicing.uri())) {
            slicing.inject(Faults.slicer(5, 4, Duration.ofNanos(100_000), Direction.DOWNSTREAM));
            try (RawHttp http = RawHttp.connect(proxy.address())) {
                assertThat(http.send(RawHttp.upgradeRequest(proxy.address(), "/")).readHead().status()).isEqualTo(101);
                http.readTimeout(TIMEOUT);

                assertThat(ByteBuffer.wrap(http.readBytes(stream.length))).as("every byte, in order")
                        .isEqualTo(ByteBuffer.wrap(stream));
            }
            await().atMost(TIMEOUT).until(() -> proxy.recording().attempt(1).isClosed());
            ConnectionRecord record = proxy.recording().attempt(1);
            // text, binary, 3 fragments, 64-bit binary; 2 pings, a pong, the close
            assertThat(record.upstreamToClient()).isEqualTo(new Traffic(10, 4, 4, stream.length));
            assertThat(record.close()).hasValueSatisfying(close -> {
                assertThat(close.closer()).isEqualTo(Closer.UPSTREAM);
                assertThat(close.code()).hasValue(1000);
                assertThat(close.reason()).isEqualTo("bye");
            });
        }
    }

    /** What the upstream sends after its 101, as one byte stream. */
    private static byte[] script() {
        Random random = new Random(11);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frame(out, 0x81, ascii("a"));
        frame(out, 0x82, bytes(random, 200));
        frame(out, 0x89, ascii("ping1"));
        frame(out, 0x01, ascii("frag-1"));
        frame(out, 0x89, ascii("ping2"));
        frame(out, 0x8A, ascii("pong"));
        frame(out, 0x00, new byte[0]);
        frame(out, 0x80, ascii("end"));
        frame(out, 0x82, bytes(random, 70_000));
        out.writeBytes(RawUpstream.closeFrame(1000, "bye"));
        return out.toByteArray();
    }

    /** An unmasked frame: {@code firstByte} (FIN and opcode), then the shortest length encoding for the payload. */
    private static void frame(ByteArrayOutputStream out, int firstByte, byte[] payload) {
        out.write(firstByte);
        if (payload.length < 126) {
            out.write(payload.length);
        } else if (payload.length <= 0xFFFF) {
            out.write(126);
            out.writeBytes(ByteBuffer.allocate(2).putShort((short) payload.length).array());
        } else {
            out.write(127);
            out.writeBytes(ByteBuffer.allocate(8).putLong(payload.length).array());
        }
        out.writeBytes(payload);
    }

    private static byte[] bytes(Random random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }
}
