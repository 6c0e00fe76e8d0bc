package io.github.wschaos.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An upstream written by hand on a loopback {@link ServerSocket}, for tests where the exact bytes an upstream sends
 * matter (what arrives in one TCP write, what follows a {@code 101}) and the exact request head it receives. Each
 * connection is served on its own thread by a {@link Script}; the request heads received are kept, byte for byte.
 */
public final class RawUpstream implements AutoCloseable {

    /** What the upstream does on one connection. */
    @FunctionalInterface
    public interface Script {
        /** Serves {@code connection}; the socket is closed when this returns. */
        void serve(Connection connection) throws IOException;
    }

    private final ServerSocket listener;
    private final Script script;
    private final List<String> heads = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private RawUpstream(Script script) throws IOException {
        this.script = script;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "raw-upstream-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A started upstream that serves every connection with {@code script}. */
    public static RawUpstream start(Script script) throws IOException {
        return new RawUpstream(script);
    }

    /** {@code ws://127.0.0.1:<port>/}. */
    public URI uri() {
        return URI.create("ws://127.0.0.1:" + listener.getLocalPort() + "/");
    }

    /** Every request head received so far, in order, each as sent (up to and including the blank line). */
    public List<String> heads() {
        return List.copyOf(heads);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                sockets.add(socket);
                Thread serving = new Thread(() -> serve(socket), "raw-upstream-connection");
                serving.setDaemon(true);
                serving.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(10_000);
            script.serve(new Connection(socket));
        } catch (IOException e) {
            // The test sees what the client got; a peer that went away is part of some scripts.
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    /** One accepted connection, as a script sees it. */
    public final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** Reads one request head (up to the blank line), records it and returns it; null at the end of the stream. */
        public String readHead() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            byte[] end = {'\r', '\n', '\r', '\n'};
            while (matched < end.length) {
                int b = in.read();
                if (b == -1) {
                    return null;
                }
                head.write(b);
                matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            heads.add(text);
            return text;
        }

        /**
         * Reads one request head as {@link #readHead()} does, or returns null when none has started within {@code idle}:
         * a server's keep-alive timeout, after which the script returns and the connection is closed.
         */
        public String readHead(Duration idle) throws IOException {
            int before = socket.getSoTimeout();
            socket.setSoTimeout(Math.toIntExact(idle.toMillis()));
            try {
                return readHead();
            } catch (SocketTimeoutException e) {
                return null;
            } finally {
                socket.setSoTimeout(before);
            }
        }

        /** Reads one byte, waiting at most {@code timeout}: -1 at the end of the stream, -2 if none came in time. */
        public int readByte(Duration timeout) throws IOException {
            int before = socket.getSoTimeout();
            socket.setSoTimeout(Math.toIntExact(Math.max(1, timeout.toMillis())));
            try {
                return in.read();
            } catch (SocketTimeoutException e) {
                return -2;
            } finally {
                socket.setSoTimeout(before);
            }
        }

        /** Reads exactly {@code count} bytes (a body). */
        public byte[] readBytes(int count) throws IOException {
            return in.readNBytes(count);
        }

        /** Writes {@code parts} in one write (one TCP segment on loopback for small sizes) and flushes. */
        public void write(byte[]... parts) throws IOException {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (byte[] part : parts) {
                all.write(part);
            }
            out.write(all.toByteArray());
            out.flush();
        }

        /** Reads what one read returns (at least a byte); null at the end of the stream. */
        public byte[] readSome() throws IOException {
            byte[] buffer = new byte[8192];
            int count = in.read(buffer);
            return count < 0 ? null : java.util.Arrays.copyOf(buffer, count);
        }

        /** Reads until the peer ends the stream and returns every byte read. */
        public byte[] readToEnd() throws IOException {
            return in.readAllBytes();
        }

        /** Half-closes: a FIN to the peer, reading stays possible. */
        public void shutdownOutput() throws IOException {
            socket.shutdownOutput();
        }

        /** Resets the connection: an RST to the peer (SO_LINGER 0), as a crashed server's kernel sends it. */
        public void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }
    }

    /** {@code text} in ISO-8859-1, as HTTP heads are written. */
    public static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The {@code 101} answer to {@link RawHttp#upgradeRequest}'s fixed key, with {@code extraHeaders} (each ending in CRLF). */
    public static byte[] switchingProtocols(String extraHeaders) {
        return ascii("HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                + extraHeaders
                + "\r\n");
    }

    /** An unmasked frame from a server: FIN set, {@code opcode}, a payload under 126 bytes. */
    public static byte[] serverFrame(int opcode, byte[] payload) {
        byte[] frame = new byte[2 + payload.length];
        frame[0] = (byte) (0x80 | opcode);
        frame[1] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, 2, payload.length);
        return frame;
    }

    /** A server's close frame with {@code code} and {@code reason}. */
    public static byte[] closeFrame(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        return serverFrame(0x8, payload);
    }

    /** Where the upstream listens. */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }
}
