package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.fault.Direction;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client frame whose 64-bit length has its top bit set, which RFC 6455 forbids: the proxy reads frame headers for
 * the record (and, with a frame fault armed, to filter frames), but like nginx it is not the judge of the protocol.
 * The frame and everything after it reach the upstream byte for byte, for the upstream to fail the connection as it
 * sees fit; the proxy neither chokes on the length nor closes the connection itself.
 */
class InvalidFrameLengthTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** A masked close frame with the 64-bit length 2^63 (top bit set), its masking key and a few bytes. */
    private static final byte[] INVALID = {
        (byte) 0x88, (byte) 0xFF, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0x11, 0x22, 0x33, 0x44, 0x03, (byte) 0xE8, 'x', 'y'};

    @ParameterizedTest(name = "frame filter armed: {0}")
    @ValueSource(booleans = {false, true})
    void theFrameAndWhatFollowsReachTheUpstreamUntouched(boolean filterArmed) throws Exception {
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(""));
                    received.complete(connection.readBytes(INVALID.length));
                    connection.readToEnd();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            if (filterArmed) {
                proxy.inject(Faults.swallowPings(Direction.UPSTREAM));
            }
            try (RawHttp http = RawHttp.connect(proxy.address())) {
                assertThat(http.send(RawHttp.upgradeRequest(proxy.address(), "/")).readHead().status()).isEqualTo(101);

                http.send(INVALID);

                assertThat(ByteBuffer.wrap(received.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)))
                        .as("what the upstream got").isEqualTo(ByteBuffer.wrap(INVALID));
                assertThat(proxy.recording().attempt(1).isClosed()).as("closed by the proxy").isFalse();
            }
        }
    }
}
