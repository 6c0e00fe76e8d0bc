package io.github.wschaos.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code closeWithCode} while a large frame is on its way, half relayed, in either direction: the close frame follows
 * the end of that frame, as a server going away sends it after the frame it is writing, instead of landing inside its payload,
 * which clients read as a corrupt stream rather than the code.
 */
class CloseWithCodeMidFrameTest {

    private static final int PAYLOAD = 200_000;
    private static final int HEADER = 10; // FIN + binary, 127, 64-bit length

    @Test
    void theCloseFrameFollowsTheFrameInFlight() throws Exception {
        byte[] payload = new byte[PAYLOAD];
        new Random(3).nextBytes(payload);
        byte[] header = ByteBuffer.allocate(HEADER).put((byte) 0x82).put((byte) 127).putLong(PAYLOAD).array();
        CompletableFuture<Void> rest = new CompletableFuture<>();
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(""), header, Arrays.copyOfRange(payload, 0, PAYLOAD / 2));
                    rest.orTimeout(10, TimeUnit.SECONDS).join();
                    connection.write(Arrays.copyOfRange(payload, PAYLOAD / 2, PAYLOAD));
                    connection.readToEnd();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            assertThat(http.send(RawHttp.upgradeRequest(proxy.address(), "/")).readHead().status()).isEqualTo(101);
            assertThat(http.readBytes(HEADER + PAYLOAD / 2)).as("the frame's first half").startsWith(header);

            proxy.inject(Faults.closeWithCode(1012, "restart"));
            await("nothing inside the frame in flight").during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                    .until(() -> http.available() == 0);
            rest.complete(null);

            assertThat(ByteBuffer.wrap(http.readBytes(PAYLOAD / 2))).as("the frame's second half")
                    .isEqualTo(ByteBuffer.wrap(payload, PAYLOAD / 2, PAYLOAD / 2));
            assertThat(http.readBytes(2 + 2 + "restart".length())).as("then the close frame")
                    .isEqualTo(RawUpstream.closeFrame(1012, "restart"));
        }
    }

    @Test
    void theUpstreamsCloseFrameFollowsTheClientsFrameInFlight() throws Exception {
        byte[] payload = new byte[PAYLOAD];
        new Random(4).nextBytes(payload);
        // Masked with the key 0, so that the payload is sent as it is.
        byte[] header = ByteBuffer.allocate(HEADER + 4).put((byte) 0x82).put((byte) (0x80 | 127)).putLong(PAYLOAD).putInt(0).array();
        CompletableFuture<Void> firstHalfArrived = new CompletableFuture<>();
        CompletableFuture<byte[]> secondHalf = new CompletableFuture<>();
        CompletableFuture<byte[]> closeFrame = new CompletableFuture<>();
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(""));
                    connection.readBytes(header.length + PAYLOAD / 2);
                    firstHalfArrived.complete(null);
                    secondHalf.complete(connection.readBytes(PAYLOAD / 2));
                    closeFrame.complete(connection.readBytes(2 + 4 + 2 + "restart".length()));
                    connection.readToEnd();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            assertThat(http.send(RawHttp.upgradeRequest(proxy.address(), "/")).readHead().status()).isEqualTo(101);
            http.send(header).send(Arrays.copyOfRange(payload, 0, PAYLOAD / 2));
            firstHalfArrived.get(5, TimeUnit.SECONDS);

            proxy.inject(Faults.closeWithCode(1012, "restart"));
            assertThat(http.readBytes(2 + 2 + "restart".length())).as("the client's close frame: the fault has acted")
                    .isEqualTo(RawUpstream.closeFrame(1012, "restart"));
            http.send(Arrays.copyOfRange(payload, PAYLOAD / 2, PAYLOAD));

            assertThat(ByteBuffer.wrap(secondHalf.get(5, TimeUnit.SECONDS))).as("the frame's second half")
                    .isEqualTo(ByteBuffer.wrap(payload, PAYLOAD / 2, PAYLOAD / 2));
            byte[] close = closeFrame.get(5, TimeUnit.SECONDS);
            assertThat(close[0] & 0xFF).as("a close frame").isEqualTo(0x88);
            byte[] unmasked = new byte[close.length - 6];
            for (int i = 0; i < unmasked.length; i++) {
                unmasked[i] = (byte) (close[6 + i] ^ close[2 + (i & 3)]);
            }
            assertThat(unmasked).isEqualTo(Arrays.copyOfRange(RawUpstream.closeFrame(1012, "restart"), 2, 2 + 2 + "restart".length()));
        }
    }
}
