package io.github.wschaos.diagnose;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One probe connection at the byte level: a hand-written upgrade request, the answer's exact status line and
 * headers, and RFC 6455 frames (client frames masked). Nothing is hidden or retried.
 */
final class Wire implements AutoCloseable {

    static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int MAX_HEAD = 16 * 1024;
    private static final int MAX_BODY = 4 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    /** Counts what the socket delivered (application bytes: over TLS, the decrypted ones) and bounds a step's reads. */
    private final DeadlineInput deadlined;

    Wire(Socket socket) throws IOException {
        this.socket = socket;
        this.deadlined = new DeadlineInput(socket.getInputStream(), socket, "the timeout passed");
        this.in = new BufferedInputStream(deadlined);
        this.out = socket.getOutputStream();
    }

    /** How many bytes the peer has sent so far (including those buffered but not yet read). */
    long received() {
        return deadlined.received();
    }

    Socket socket() {
        return socket;
    }

    /** A fresh random {@code Sec-WebSocket-Key}. */
    static String newKey() {
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** The {@code Sec-WebSocket-Accept} a server must answer to {@code key}. */
    static String expectedAccept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JDK", e);
        }
    }

    /** Writes the upgrade request; {@code origin} null sends none. */
    void sendUpgrade(Endpoint endpoint, String key, String origin, Map<String, String> headers) throws IOException {
        StringBuilder request = new StringBuilder()
                .append("GET ").append(endpoint.requestTarget()).append(" HTTP/1.1\r\n")
                .append("Host: ").append(endpoint.hostHeader()).append("\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        if (origin != null) {
            request.append("Origin: ").append(origin).append("\r\n");
        }
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        if (headers.keySet().stream().noneMatch(name -> name.equalsIgnoreCase("User-Agent"))) {
            request.append("User-Agent: wschaos-diagnose\r\n");
        }
        out.write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /**
     * Writes a plain {@code GET} of the same target, without {@code Upgrade}, {@code Connection: Upgrade} or
     * {@code Sec-WebSocket-*} headers ({@code headers} of those names are left out), and with {@code Connection: close}.
     */
    void sendPlainGet(Endpoint endpoint, Map<String, String> headers) throws IOException {
        StringBuilder request = new StringBuilder()
                .append("GET ").append(endpoint.requestTarget()).append(" HTTP/1.1\r\n")
                .append("Host: ").append(endpoint.hostHeader()).append("\r\n");
        headers.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!lower.equals("upgrade") && !lower.equals("connection") && !lower.startsWith("sec-websocket-")) {
                request.append(name).append(": ").append(value).append("\r\n");
            }
        });
        if (headers.keySet().stream().noneMatch(name -> name.equalsIgnoreCase("User-Agent"))) {
            request.append("User-Agent: wschaos-diagnose\r\n");
        }
        request.append("Connection: close\r\n");
        out.write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /**
     * Reads the answer's head and, unless it is a 101 (or another answer without a body), up to 4 KiB of its body:
     * {@code Content-Length} bytes, the chunks of a chunked body decoded up to the last chunk, or what comes until the
     * peer closes. Returns the raw first bytes too, so that an answer that is not HTTP at all (a TLS alert) can be
     * named, and when the head was complete ({@link Answer#headNanos()}): the answer's time, which a slow body or a
     * kept-alive connection does not lengthen. The socket's timeout (the run's {@code --timeout}) bounds the whole
     * answer, not each read: a head or body that trickles in is not waited for beyond it (the body is kept as far as
     * it came).
     *
     * @throws Stalled when the head was not complete within the socket's timeout, with what of it had arrived
     * @throws EOFException when the peer closed before a complete head
     */
    Answer readAnswer() throws IOException {
        long start = System.nanoTime();
        int timeout = socket.getSoTimeout();
        if (timeout > 0) {
            deadlined.until(start + timeout * 1_000_000L);
        }
        try {
            return readAnswer(start, timeout);
        } finally {
            deadlined.unbounded();
        }
    }

    private Answer readAnswer(long start, int timeout) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        long firstByte = start;
        long lastByte = start;
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
            int b;
            try {
                b = in.read();
            } catch (SocketTimeoutException e) {
                throw new Stalled(head.toByteArray(), firstByte - start, lastByte - start, timeout);
            }
            lastByte = System.nanoTime();
            if (head.size() == 0) {
                firstByte = lastByte;
            }
            if (b < 0) {
                throw new EOFException(head.size() == 0 ? "closed without an answer"
                        : "closed after " + head.size() + " bytes of an incomplete answer: " + printable(head.toByteArray()));
            }
            head.write(b);
            if (head.size() == 1 && (b == 0x15 || b == 0x16)) {
                return Answer.tlsRecord(b);
            }
            last4 = (last4 << 8) | b;
            if (head.size() > MAX_HEAD) {
                throw new IOException("answer head larger than " + MAX_HEAD + " bytes: " + printable(head.toByteArray()));
            }
        }
        long headNanos = System.nanoTime();
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String statusLine = lines[0];
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim(), (a, b) -> a + ", " + b);
            }
        }
        int status = -1;
        String[] parts = statusLine.split(" ", 3);
        if (parts.length >= 2 && parts[0].startsWith("HTTP/")) {
            try {
                status = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                status = -1;
            }
        }
        boolean bodyless = (status >= 100 && status < 200) || status == 204 || status == 304;
        String body = bodyless ? "" : readBody(headers);
        return new Answer(statusLine, status, headers, body, -1, headNanos);
    }

    /**
     * The body as evidence: what arrives promptly (each read bounded by 500 ms, all of it by the answer's deadline), up
     * to its end or 4 KiB.
     */
    private String readBody(Map<String, String> headers) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int previous = -1;
        try {
            previous = socket.getSoTimeout();
            socket.setSoTimeout(Math.min(previous == 0 ? 500 : previous, 500));
            String encoding = headers.get("transfer-encoding");
            String length = headers.get("content-length");
            if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
                readChunks(body);
            } else if (length != null) {
                readUpTo(body, (int) Math.min(MAX_BODY, parseLength(length)));
            } else {
                // Neither: the body ends when the peer closes.
                readUpTo(body, MAX_BODY);
            }
        } catch (IOException | NumberFormatException e) {
            // Keep what was read.
        } finally {
            try {
                if (previous >= 0) {
                    socket.setSoTimeout(previous);
                }
            } catch (IOException e) {
                // The connection is gone; the caller finds out on its next read.
            }
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    private static long parseLength(String length) {
        // Repeated headers are merged with ", ": a valid message repeats the same value.
        String first = length.split(",")[0].trim();
        return Math.max(0, Long.parseLong(first));
    }

    /** Decodes a chunked body into {@code body} up to the last chunk (and its trailers), keeping at most 4 KiB. */
    private void readChunks(ByteArrayOutputStream body) throws IOException {
        while (body.size() < MAX_BODY) {
            String sizeLine = readLine();
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                while (!readLine().isEmpty()) {
                    // a trailer field: not evidence
                }
                return;
            }
            int kept = (int) Math.min(size, MAX_BODY - body.size());
            readUpTo(body, body.size() + kept);
            if (kept < size) {
                return;
            }
            readLine();
        }
    }

    /** Reads into {@code body} until it holds {@code wanted} bytes or the peer closes. */
    private void readUpTo(ByteArrayOutputStream body, int wanted) throws IOException {
        byte[] buffer = new byte[512];
        while (body.size() < wanted) {
            int n = in.read(buffer, 0, Math.min(buffer.length, wanted - body.size()));
            if (n < 0) {
                return;
            }
            body.write(buffer, 0, n);
        }
    }

    /** One line ending in CRLF (or LF), without it. */
    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed in the middle of a chunked body");
            }
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            if (line.length() > 1024) {
                throw new IOException("a chunk line longer than 1024 bytes");
            }
            line.append((char) b);
        }
    }

    /** Writes one masked client frame. */
    void sendFrame(int opcode, byte[] payload) throws IOException {
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        } else {
            throw new IllegalArgumentException("probe frames are smaller than 64 KiB, not " + payload.length + " bytes");
        }
        frame.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /** Sends a close frame with {@code code}. */
    void sendClose(int code) throws IOException {
        sendFrame(0x8, new byte[] {(byte) (code >>> 8), (byte) code});
    }

    /**
     * Reads one frame as {@link #readFrame()} does, all of it before {@code deadline} ({@link System#nanoTime()}): a
     * frame that trickles in does not hold the caller past it.
     *
     * @throws SocketTimeoutException when the deadline (or the socket's timeout) passes first
     */
    Frame readFrame(long deadline) throws IOException {
        deadlined.until(deadline);
        try {
            return readFrame();
        } finally {
            deadlined.unbounded();
        }
    }

    /**
     * Reads one frame (payloads up to 64 KiB kept, larger ones skipped).
     *
     * @throws SocketTimeoutException when the socket's timeout passes first
     * @throws EOFException when TCP closed without a close frame ({@link CutFrame} when inside a frame)
     */
    Frame readFrame() throws IOException {
        int first = readByte();
        try {
            return readRest(first);
        } catch (EOFException e) {
            throw new CutFrame();
        }
    }

    private Frame readRest(int first) throws IOException {
        int second = readByte();
        long length = second & 0x7f;
        if (length == 126) {
            length = ((long) readByte() << 8) | readByte();
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | readByte();
            }
        }
        byte[] mask = null;
        if ((second & 0x80) != 0) {
            mask = new byte[] {(byte) readByte(), (byte) readByte(), (byte) readByte(), (byte) readByte()};
        }
        int kept = (int) Math.min(length, 64 * 1024);
        byte[] payload = new byte[kept];
        for (int i = 0; i < length; i++) {
            int b = readByte();
            if (i < kept) {
                payload[i] = (byte) (mask == null ? b : b ^ mask[i % 4]);
            }
        }
        return new Frame(first & 0x0f, payload, (first & 0x80) != 0);
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("TCP closed without a close frame");
        }
        return b;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing left to do.
        }
    }

    static String printable(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, 80); i++) {
            int b = bytes[i] & 0xff;
            text.append(b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b));
        }
        return text.toString();
    }

    /**
     * The head of an answer was not complete within the timeout: {@link #partial()} is what of it had arrived (empty
     * for no answer at all), {@link #firstByteNanos()} and {@link #lastByteNanos()} when its first and last bytes came,
     * counted from the read's start.
     */
    static final class Stalled extends SocketTimeoutException {

        private final byte[] partial;
        private final long firstByteNanos;
        private final long lastByteNanos;
        private final int timeoutMillis;

        Stalled(byte[] partial, long firstByteNanos, long lastByteNanos, int timeoutMillis) {
            super(partial.length == 0 ? "no answer within " + timeoutMillis + " ms"
                    : partial.length + " bytes of an answer within " + timeoutMillis + " ms, not a complete head: " + printable(partial));
            this.partial = partial;
            this.firstByteNanos = firstByteNanos;
            this.lastByteNanos = lastByteNanos;
            this.timeoutMillis = timeoutMillis;
        }

        byte[] partial() {
            return partial.clone();
        }

        long firstByteNanos() {
            return firstByteNanos;
        }

        long lastByteNanos() {
            return lastByteNanos;
        }

        /** The time between two bytes, on average, while they trickled in. */
        long paceNanos() {
            return (lastByteNanos - firstByteNanos) / Math.max(1, partial.length - 1);
        }

        /**
         * Whether the bytes were still coming when the timeout passed (the last one in the second half of the wait)
         * rather than stopping after a first piece: a trickle, not a stall.
         */
        boolean trickling() {
            return partial.length >= 2 && lastByteNanos > timeoutMillis * 1_000_000L / 2;
        }

        /** What arrived, as evidence: "the status line 'HTTP/1.1 101 Switching Protocols' and 40 bytes of headers". */
        String arrived() {
            String text = new String(partial, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n");
            if (end < 0) {
                return partial.length + " bytes of a status line ('" + printable(partial) + "')";
            }
            int rest = partial.length - end - 2;
            return "the status line '" + printable(text.substring(0, end).getBytes(StandardCharsets.ISO_8859_1)) + "'"
                    + (rest > 0 ? " and " + rest + " bytes of headers" : "");
        }
    }

    /** TCP closed without a close frame in the middle of a frame: the stream was cut, not ended. */
    static final class CutFrame extends EOFException {

        CutFrame() {
            super("TCP closed without a close frame, in the middle of a frame");
        }
    }

    /**
     * An answer to the upgrade request: {@code status} -1 when it is not HTTP; {@code tlsByte} set when it is TLS;
     * {@code headNanos} the {@link System#nanoTime()} at which its head (or its first byte, for TLS) had arrived.
     */
    record Answer(String statusLine, int status, Map<String, String> headers, String body, int tlsByte, long headNanos) {

        static Answer tlsRecord(int firstByte) {
            return new Answer(String.format("(a TLS record, first byte 0x%02x)", firstByte), -1, Map.of(), "", firstByte,
                    System.nanoTime());
        }

        /** The time from {@code start} ({@link System#nanoTime()}) to the complete head. */
        Duration since(long start) {
            return Duration.ofNanos(headNanos - start);
        }

        /** {@link #since(long)} as evidence, e.g. "12 ms". */
        String millisSince(long start) {
            return (headNanos - start) / 1_000_000 + " ms";
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String server() {
            String server = header("server");
            return server == null ? "" : server;
        }
    }

    /** A frame from the server; {@code fin} false for a fragment that more of its message follows. */
    record Frame(int opcode, byte[] payload, boolean fin) {

        boolean isClose() {
            return opcode == 0x8;
        }

        boolean isPing() {
            return opcode == 0x9;
        }

        boolean isPong() {
            return opcode == 0xA;
        }

        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }

        String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }
}
