package io.github.wschaos.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A proxy whose idle timer only the upstream's data resets, replayed on a loopback socket, with the upstream (a
 * WebSocket server that answers pings) folded in: it answers the upgrade with the {@code 101} such a proxy relays
 * (Caddy 2.6 in front of Node's {@code ws}: {@code Connection}, {@code Sec-Websocket-Accept}, {@code Server: Caddy},
 * {@code Upgrade}, in that order), answers each ping with a pong, and closes TCP without a close frame once it has
 * sent nothing for the idle time (Caddy's {@code read_timeout}, lighttpd's {@code server.max-read-idle}). What the
 * client sends does not reset the timer; only the pongs it draws do.
 */
public final class UpstreamIdleCutter implements AutoCloseable {

    private static final Pattern KEY = Pattern.compile("(?im)^Sec-WebSocket-Key:\\s*(\\S+)\\s*$");

    private final ServerSocket listener;
    private final String server;
    private final Duration idle;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private UpstreamIdleCutter(String server, Duration idle) throws IOException {
        this.server = server;
        this.idle = idle;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "upstream-idle-cutter-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A started proxy replay naming itself {@code server} (e.g. {@code Caddy}) that cuts after {@code idle}. */
    public static UpstreamIdleCutter start(String server, Duration idle) throws IOException {
        return new UpstreamIdleCutter(server, idle);
    }

    /** {@code ws://127.0.0.1:<port>/chat}. */
    public URI uri() {
        return URI.create("ws://127.0.0.1:" + listener.getLocalPort() + "/chat");
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                sockets.add(socket);
                Thread serving = new Thread(() -> serve(socket), "upstream-idle-cutter-connection");
                serving.setDaemon(true);
                serving.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            Matcher key = KEY.matcher(readHead(in));
            if (!key.find()) {
                return;
            }
            out.write(("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-Websocket-Accept: " + accept(key.group(1))
                    + "\r\nServer: " + server + "\r\nUpgrade: websocket\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            long lastSent = System.nanoTime();
            while (true) {
                long left = lastSent + idle.toNanos() - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                int first;
                try {
                    first = in.read();
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (first < 0) {
                    return;
                }
                byte[] payload = readRest(in);
                int opcode = first & 0x0f;
                if (opcode == 0x9 || opcode == 0x8) {
                    out.write(frame(opcode == 0x9 ? 0xA : 0x8, payload));
                    out.flush();
                    lastSent = System.nanoTime();
                    if (opcode == 0x8) {
                        return;
                    }
                }
            }
        } catch (IOException e) {
            // The client went away: nothing to cut.
        }
    }

    private static String readHead(DataInputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the end of the request head");
            }
            head.write(b);
            last4 = (last4 << 8) | b;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** The rest of a masked client frame after its first byte: the payload, unmasked (under 126 bytes). */
    private static byte[] readRest(DataInputStream in) throws IOException {
        int second = in.readUnsignedByte();
        int length = second & 0x7f;
        if (length >= 126) {
            throw new IOException("a probe frame of " + length + " (126+) is not expected here");
        }
        byte[] mask = new byte[4];
        if ((second & 0x80) != 0) {
            in.readFully(mask);
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        for (int i = 0; i < length; i++) {
            payload[i] ^= mask[i % 4];
        }
        return payload;
    }

    private static byte[] frame(int opcode, byte[] payload) {
        byte[] frame = new byte[2 + payload.length];
        frame[0] = (byte) (0x80 | opcode);
        frame[1] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, 2, payload.length);
        return frame;
    }

    private static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JDK", e);
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
