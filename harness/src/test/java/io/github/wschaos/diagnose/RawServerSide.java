package io.github.wschaos.diagnose;

import io.github.wschaos.testing.RawUpstream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link RawUpstream} script's side of a WebSocket connection, written byte by byte: the {@code 101} to the key the
 * client sent (with headers changed or added as a test needs), the client's masked frames read, and frames of any
 * size and FIN bit written, so that a test controls exactly what diagnose receives.
 */
final class RawServerSide {

    private static final Pattern KEY = Pattern.compile("(?im)^Sec-WebSocket-Key:\\s*(\\S+)");

    private RawServerSide() {
    }

    /** A client frame: its opcode and unmasked payload. */
    record ClientFrame(int opcode, byte[] payload) {
    }

    /** The {@code Sec-WebSocket-Key} of a request head. */
    static String key(String head) {
        Matcher matcher = KEY.matcher(head);
        if (!matcher.find()) {
            throw new IllegalStateException("no Sec-WebSocket-Key in " + head);
        }
        return matcher.group(1);
    }

    /** A valid {@code 101} for {@code head}'s key, with {@code extraHeaders} (each ending in CRLF). */
    static byte[] switchingProtocols(String head, String extraHeaders) {
        return RawUpstream.ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + Wire.expectedAccept(key(head)) + "\r\n" + extraHeaders + "\r\n");
    }

    /** Reads one masked client frame; null at the end of the stream. */
    static ClientFrame read(RawUpstream.Connection connection) throws IOException {
        byte[] start = connection.readBytes(2);
        if (start.length < 2) {
            return null;
        }
        long length = start[1] & 0x7f;
        if (length == 126) {
            byte[] extended = connection.readBytes(2);
            length = ((extended[0] & 0xff) << 8) | (extended[1] & 0xff);
        } else if (length == 127) {
            throw new IOException("a probe frame longer than 64 KiB");
        }
        byte[] mask = (start[1] & 0x80) != 0 ? connection.readBytes(4) : new byte[4];
        byte[] payload = connection.readBytes((int) length);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i % 4];
        }
        return new ClientFrame(start[0] & 0x0f, payload);
    }

    /** An unmasked server frame of any size below 64 KiB, with or without FIN. */
    static byte[] frame(boolean fin, int opcode, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            frame.write(payload.length);
        } else {
            frame.write(126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        }
        frame.write(payload, 0, payload.length);
        return frame.toByteArray();
    }
}
