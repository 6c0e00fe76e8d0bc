package io.github.wschaos.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A WebSocket client written by hand over a {@link RawHttp} socket, for tests that must see exactly what arrives:
 * which frames, and whether the TCP connection ended with a FIN ({@link #readUntilEof()}) rather than a close
 * frame. It sends small masked text frames and reads small unfragmented frames (payloads under 126 bytes).
 */
public final class RawWebSocket implements AutoCloseable {

    private final RawHttp http;

    private RawWebSocket(RawHttp http) {
        this.http = http;
    }

    /**
     * Connects to {@code address} and upgrades {@code path}.
     *
     * @throws AssertionError if the answer is not {@code 101}
     */
    public static RawWebSocket open(InetSocketAddress address, String path) throws IOException {
        RawHttp http = RawHttp.connect(address);
        RawHttp.Response head = http.send(RawHttp.upgradeRequest(address, path)).readHead();
        if (head.status() != 101) {
            http.close();
            throw new AssertionError("Expected 101 from " + address + path + " but got " + head.statusLine());
        }
        return new RawWebSocket(http);
    }

    /** A WebSocket over {@code http}, whose {@code 101} the caller has read already. */
    public static RawWebSocket over(RawHttp http) {
        return new RawWebSocket(http);
    }

    /** Sends {@code text} as one masked text frame, as a client must. */
    public void sendText(String text) throws IOException {
        sendMasked(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a masked close frame with {@code code} and {@code reason}. */
    public void sendClose(int code, String reason) throws IOException {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        sendMasked(0x8, payload);
    }

    /** Sends an unsolicited masked pong frame: client traffic that a WebSocket server answers with nothing. */
    public void sendPong() throws IOException {
        sendMasked(0xA, new byte[0]);
    }

    /** Half-closes the TCP connection (a FIN to the proxy) while reading stays possible. */
    public void shutdownOutput() throws IOException {
        http.shutdownOutput();
    }

    private void sendMasked(int opcode, byte[] payload) throws IOException {
        if (payload.length > 0xFFFF) {
            throw new IllegalArgumentException("only frames up to 65,535 bytes: " + payload.length + " bytes");
        }
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        int header = payload.length > 125 ? 8 : 6; // a longer payload (a control frame breaking RFC 6455) has a 16-bit length
        byte[] frame = new byte[header + payload.length];
        frame[0] = (byte) (0x80 | opcode);
        if (payload.length > 125) {
            frame[1] = (byte) (0x80 | 126);
            frame[2] = (byte) (payload.length >> 8);
            frame[3] = (byte) payload.length;
        } else {
            frame[1] = (byte) (0x80 | payload.length);
        }
        System.arraycopy(mask, 0, frame, header - 4, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[header + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        http.send(frame);
    }

    /**
     * Reads one frame and returns its payload as text; the first byte (FIN and opcode) must be {@code firstByte}.
     *
     * @throws AssertionError if the frame is another kind
     */
    public String readFrame(int firstByte) throws IOException {
        InputStream in = http.input();
        int b0 = in.read();
        int length = in.read();
        if (b0 != firstByte || length < 0 || (length & 0x80) != 0 || length > 125) {
            throw new AssertionError(String.format("Expected a short unmasked frame starting 0x%02x, got 0x%02x 0x%02x",
                    firstByte, b0, length));
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /**
     * Reads until the peer ends the connection with a FIN and returns every byte that came first (a close frame
     * starts with {@code 0x88}); a reset or a timeout fails with an {@code IOException}.
     */
    public byte[] readUntilEof(Duration timeout) throws IOException {
        http.readTimeout(timeout);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        InputStream in = http.input();
        for (int b = in.read(); b != -1; b = in.read()) {
            bytes.write(b);
        }
        return bytes.toByteArray();
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
