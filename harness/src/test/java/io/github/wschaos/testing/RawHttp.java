package io.github.wschaos.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for tests where the exact bytes matter: what is sent is sent as written, and
 * responses are parsed by hand (status line, headers, a body by {@code Content-Length} or chunks). Every read
 * times out after 5 seconds.
 */
public final class RawHttp implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** A connection to {@code address}. */
    public static RawHttp connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, 5000);
        socket.setSoTimeout(5000);
        return new RawHttp(socket);
    }

    /** Writes {@code text} (ISO-8859-1, as HTTP heads are) and flushes. */
    public RawHttp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Writes {@code bytes} and flushes. */
    public RawHttp send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /**
     * A WebSocket upgrade request for {@code path}, as a browser sends it minus the optional headers: {@code Host},
     * {@code Upgrade: websocket}, {@code Connection: Upgrade}, a fixed key, version 13; no extensions.
     */
    public static String upgradeRequest(InetSocketAddress host, String path) {
        return "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + host.getHostString() + ":" + host.getPort() + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
    }

    /** Reads one response: its head and its body, de-chunked if it was chunked. */
    public Response readResponse() throws IOException {
        Response head = readHead();
        Map<String, String> headers = head.headers();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int size = chunkSize(); size > 0; size = chunkSize()) {
                body.write(in.readNBytes(size));
                readLine();
            }
            readLine();
        } else if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else {
            body.write(in.readAllBytes());
        }
        return new Response(head.statusLine(), headers, body.toString(StandardCharsets.UTF_8));
    }

    /** Reads the head of one response and leaves what follows unread: for a {@code 101}, the frames. */
    public Response readHead() throws IOException {
        String statusLine = readLine();
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return new Response(statusLine, headers, "");
    }

    /**
     * Reads the head of one response exactly as it arrived (status line, header lines with their names' case, the
     * blank line) and leaves what follows unread.
     */
    public String readRawHead() throws IOException {
        StringBuilder head = new StringBuilder();
        for (String line = readLine(); ; line = readLine()) {
            head.append(line).append("\r\n");
            if (line.isEmpty()) {
                return head.toString();
            }
        }
    }

    /** Reads exactly {@code count} bytes (what follows a response head, say), failing if the stream ends first. */
    public byte[] readBytes(int count) throws IOException {
        byte[] bytes = in.readNBytes(count);
        if (bytes.length < count) {
            throw new IOException("connection ended after " + bytes.length + " of " + count + " bytes");
        }
        return bytes;
    }

    /** How many received bytes can be read without blocking. */
    public int available() throws IOException {
        return in.available();
    }

    /** Half-closes the connection: a FIN to the peer, reading stays possible. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** The socket's input, for what follows a response head. */
    InputStream input() {
        return in;
    }

    /** The socket's output. */
    OutputStream output() {
        return out;
    }

    /** Sets how long a read may block before it fails with a timeout. */
    public void readTimeout(Duration timeout) throws IOException {
        socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
    }

    /** Everything the server sends until it closes the connection. */
    public String readToEnd() throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    private int chunkSize() throws IOException {
        String line = readLine();
        int extension = line.indexOf(';');
        return Integer.parseInt((extension < 0 ? line : line.substring(0, extension)).trim(), 16);
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) {
                throw new IOException("connection closed in the middle of a line: '" + line + "'");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /**
     * A response as received.
     *
     * @param statusLine e.g. {@code HTTP/1.1 200 OK}
     * @param headers by lower-case name
     * @param body the body, de-chunked
     */
    public record Response(String statusLine, Map<String, String> headers, String body) {

        /** The status code from the status line. */
        public int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }
}
