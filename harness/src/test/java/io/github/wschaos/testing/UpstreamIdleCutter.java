package io.github.wschaos.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A proxy whose idle timer only the upstream's data resets, replayed on a {@link RawUpstream}, with the upstream (a
 * WebSocket server that answers pings) folded in: it answers the upgrade with the {@code 101} such a proxy relays
 * (Caddy 2.6 in front of Node's {@code ws}: {@code Connection}, {@code Sec-Websocket-Accept}, {@code Server: Caddy},
 * {@code Upgrade}, in that order), answers each ping with a pong, and closes TCP without a close frame once it has
 * sent nothing for the idle time (Caddy's {@code read_timeout}, lighttpd's {@code server.max-read-idle}). What the
 * client sends does not reset the timer; only the pongs it draws do.
 */
public final class UpstreamIdleCutter implements AutoCloseable {

    private static final Pattern KEY = Pattern.compile("(?im)^Sec-WebSocket-Key:\\s*(\\S+)\\s*$");
    private static final int TIMED_OUT = -2;

    private final RawUpstream upstream;

    private UpstreamIdleCutter(RawUpstream upstream) {
        this.upstream = upstream;
    }

    /** A started proxy replay naming itself {@code server} (e.g. {@code Caddy}) that cuts after {@code idle}. */
    public static UpstreamIdleCutter start(String server, Duration idle) throws IOException {
        return new UpstreamIdleCutter(RawUpstream.start(connection -> serve(connection, server, idle)));
    }

    /** {@code ws://127.0.0.1:<port>/chat}. */
    public URI uri() {
        return upstream.uri().resolve("/chat");
    }

    /** Upgrades, answers pings and a close, and returns (the connection closes) after {@code idle} without sending. */
    private static void serve(RawUpstream.Connection connection, String server, Duration idle) throws IOException {
        String head = connection.readHead();
        Matcher key = head == null ? null : KEY.matcher(head);
        if (key == null || !key.find()) {
            return;
        }
        connection.write(RawUpstream.ascii("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-Websocket-Accept: "
                + accept(key.group(1)) + "\r\nServer: " + server + "\r\nUpgrade: websocket\r\n\r\n"));
        long lastSent = System.nanoTime();
        while (true) {
            long left = lastSent + idle.toNanos() - System.nanoTime();
            if (left <= 0) {
                return;
            }
            int first = connection.readByte(Duration.ofNanos(left));
            if (first == TIMED_OUT) {
                continue;
            }
            if (first < 0) {
                return;
            }
            byte[] payload = readRest(connection);
            int opcode = first & 0x0f;
            if (opcode == 0x9 || opcode == 0x8) {
                connection.write(RawUpstream.serverFrame(opcode == 0x9 ? 0xA : 0x8, payload));
                lastSent = System.nanoTime();
                if (opcode == 0x8) {
                    return;
                }
            }
        }
    }

    /** The rest of a masked client frame after its first byte: the payload, unmasked (under 126 bytes). */
    private static byte[] readRest(RawUpstream.Connection connection) throws IOException {
        byte[] second = connection.readBytes(1);
        if (second.length == 0) {
            throw new IOException("closed in the middle of a frame header");
        }
        int length = second[0] & 0x7f;
        if (length >= 126) {
            throw new IOException("a probe frame of " + length + " (126+) is not expected here");
        }
        byte[] mask = (second[0] & 0x80) != 0 ? connection.readBytes(4) : new byte[4];
        byte[] payload = connection.readBytes(length);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i % 4];
        }
        return payload;
    }

    private static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JDK", e);
        }
    }

    @Override
    public void close() throws IOException {
        upstream.close();
    }
}
