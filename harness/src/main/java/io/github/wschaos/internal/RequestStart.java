package io.github.wschaos.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Whether bytes can start an HTTP request, judged as nginx judges a request line byte by byte: after any empty lines, a
 * method of {@code A}-{@code Z}, {@code _} and {@code -}, spaces, a target starting with {@code /} or a scheme, then
 * {@code HTTP/}, with no control character anywhere and a CR only before its LF (a target of {@code *}, and
 * {@code CONNECT}'s authority such as {@code 127.0.0.1:443}, are refused once the line is whole, by
 * {@link RefusedRequests}, whose record says why). Bytes that break that get {@code 400}
 * at once, without waiting for a line break that binary bytes may never bring (nginx 1.22 answers each such byte
 * at once; the HTTP decoder alone waited for the line's end, up to the request timeout, and relayed a target with a
 * control character). The version and the request line's length are left to the decoder. On a plain listener
 * {@link ProtocolSniffer} judges the first line itself; on a TLS listener this handler, after the TLS handler, judges
 * the first decrypted line and then leaves the pipeline. Later requests on a connection are the decoder's alone.
 */
final class RequestStart extends ByteToMessageDecoder {

    /** No byte other than CR and LF yet: too early to judge. */
    static final int UNDECIDED = -1;
    /** The bytes can start a request. */
    static final int PLAUSIBLE = -2;
    /** The bytes cannot start a request, and the client has been answered. */
    static final int REJECTED = -3;

    private boolean rejected;

    /** Where a request line stands, byte by byte, as in nginx's {@code ngx_http_parse_request_line}. */
    private enum State { START, METHOD, BEFORE_TARGET, SCHEME, TARGET, BEFORE_VERSION, VERSION, ALMOST_DONE }

    /** How far a line is judged: past the decoder's own limit (8 KiB, then 414), the decoder decides. */
    private static final int LINE_LIMIT = 8 * 1024 + 16;

    /** "HTTP/", which the version must start with. */
    private static final byte[] HTTP = {'H', 'T', 'T', 'P', '/'};

    /**
     * Judges the readable bytes of {@code in} without consuming them.
     *
     * @return {@link #PLAUSIBLE} once the first request line has ended well (or is too long to judge), {@link #UNDECIDED}
     *     while it goes on well, or the first byte nginx refuses (0-255) plus 256 times its offset in the line
     */
    static int judge(ByteBuf in) {
        State state = State.START;
        int lineStart = in.readerIndex();
        int versionAt = 0;
        boolean connect = false;
        for (int i = in.readerIndex(); i < in.writerIndex(); i++) {
            int b = in.getUnsignedByte(i);
            int offset = i - lineStart;
            if (offset > LINE_LIMIT) {
                return PLAUSIBLE;
            }
            boolean control = b < 0x20 || b == 0x7f;
            if (state == State.TARGET || state == State.BEFORE_VERSION
                    || (state == State.VERSION && versionAt == HTTP.length)) {
                if (b == '\r') { // the line may end here (after a target: HTTP/0.9, refused once whole)
                    state = State.ALMOST_DONE;
                    continue;
                }
                if (b == '\n') {
                    return PLAUSIBLE;
                }
            }
            switch (state) {
                case START -> {
                    if (b == '\r' || b == '\n') {
                        lineStart = i + 1;
                        continue;
                    }
                    if (!methodByte(b)) {
                        return b;
                    }
                    state = State.METHOD;
                }
                case METHOD -> {
                    if (b == ' ') {
                        connect = offset == CONNECT.length && isConnect(in, lineStart);
                        state = State.BEFORE_TARGET;
                    } else if (!methodByte(b)) {
                        return refused(b, offset);
                    }
                }
                case BEFORE_TARGET -> {
                    if (b == '/' || b == '*' || (connect && (b == '[' || (b >= '0' && b <= '9')))) {
                        // '*' (PRI *, OPTIONS *) and CONNECT's authority (127.0.0.1:443), which nginx refuses here, are
                        // refused by RefusedRequests once the line is whole, with a record that says why.
                        state = State.TARGET;
                    } else if ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') {
                        state = State.SCHEME;
                    } else if (b != ' ') {
                        return refused(b, offset);
                    }
                }
                case SCHEME -> {
                    if (b == ':') {
                        state = State.TARGET;
                    } else if (!Character.isLetterOrDigit(b) && b != '+' && b != '-' && b != '.' || b > 0x7f) {
                        return refused(b, offset);
                    }
                }
                case TARGET -> {
                    if (b == ' ') {
                        state = State.BEFORE_VERSION;
                    } else if (control) {
                        return refused(b, offset);
                    }
                }
                case BEFORE_VERSION -> {
                    if (b == 'H') {
                        state = State.VERSION;
                        versionAt = 1;
                    } else if (b != ' ') {
                        return refused(b, offset);
                    }
                }
                case VERSION -> {
                    if (versionAt < HTTP.length ? b != HTTP[versionAt++] : control) {
                        return refused(b, offset);
                    }
                }
                case ALMOST_DONE -> {
                    return b == '\n' ? PLAUSIBLE : refused(b, offset);
                }
            }
        }
        return UNDECIDED;
    }

    private static final byte[] CONNECT = {'C', 'O', 'N', 'N', 'E', 'C', 'T'};

    private static boolean isConnect(ByteBuf in, int methodStart) {
        for (int i = 0; i < CONNECT.length; i++) {
            if (in.getByte(methodStart + i) != CONNECT[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code b} can be in a method: nginx takes {@code A}-{@code Z}, {@code _} and {@code -}. */
    private static boolean methodByte(int b) {
        return (b >= 'A' && b <= 'Z') || b == '_' || b == '-';
    }

    private static int refused(int b, int offset) {
        return b + 256 * offset;
    }

    /**
     * {@link #judge} of the first bytes alone: {@link #PLAUSIBLE} once a byte other than CR and LF can start a method,
     * {@link #UNDECIDED} before one, or the byte, which no request starts with.
     */
    static int judgeStart(ByteBuf in) {
        for (int i = in.readerIndex(); i < in.writerIndex(); i++) {
            int b = in.getUnsignedByte(i);
            if (b != '\r' && b != '\n') {
                return methodByte(b) ? PLAUSIBLE : b;
            }
        }
        return UNDECIDED;
    }

    /** The record's failure for a request line with the byte {@link #judge} refused ({@code judged}). */
    static String failure(int judged) {
        int badByte = judged & 0xff;
        int offset = judged >>> 8;
        if (offset == 0) {
            return String.format("malformed request from the client: it starts with byte 0x%02x, which no request method"
                    + " starts with (A-Z, '_' or '-')", badByte);
        }
        return String.format("malformed request from the client: byte 0x%02x at offset %d of its request line, which nginx"
                + " refuses there (a method of A-Z, '_' and '-', a target starting with '/' or a scheme, HTTP/, no control"
                + " characters, CR only before LF)", badByte, offset);
    }

    /**
     * Judges the readable bytes of {@code in}; bytes that no request starts with are answered with nginx's {@code 400}
     * at once, recorded, and the connection closed.
     *
     * @return {@link #UNDECIDED}, {@link #PLAUSIBLE}, or {@link #REJECTED} once answered
     */
    static int check(ChannelHandlerContext ctx, ByteBuf in) {
        int judged = judge(in);
        if (judged == UNDECIDED || judged == PLAUSIBLE) {
            return judged;
        }
        in.skipBytes(in.readableBytes());
        ErrorPages.reject400(ctx, ctx.channel().attr(ProxyServer.CONNECTION).get(), failure(judged), "answered 400",
                "400 Bad Request", "");
        return REJECTED;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (rejected) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int verdict = check(ctx, in);
        if (verdict == PLAUSIBLE) {
            ctx.pipeline().remove(this);
        }
        rejected = verdict == REJECTED;
    }
}
