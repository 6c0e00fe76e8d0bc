package io.github.wschaos.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Whether bytes can start an HTTP request, judged as nginx judges a request line ({@link RequestLineJudge}): bytes that
 * break its rules get {@code 400} at once (a version from HTTP/2 on {@code 505}), without waiting for a line break that binary bytes may never bring (the HTTP
 * decoder alone waited for the line's end, up to the request timeout, and relayed a target with a control character).
 * On a plain listener {@link ProtocolSniffer} judges the first line itself; on a TLS listener this handler, after the
 * TLS handler, judges the first decrypted line and then leaves the pipeline. Later requests on a connection are judged
 * by {@link ClientHttpCodec}.
 */
final class RequestStart extends ByteToMessageDecoder {

    /** No byte other than CR and LF yet: too early to judge. */
    static final int UNDECIDED = -1;
    /** The bytes can start a request. */
    static final int PLAUSIBLE = -2;
    /** The bytes cannot start a request, and the client has been answered. */
    static final int REJECTED = -3;

    private boolean rejected;

    /**
     * Judges the readable bytes of {@code in} without consuming them, as {@link RequestLineJudge} does.
     *
     * @return {@link #PLAUSIBLE} once the first request line has ended well (or is too long to judge), {@link #UNDECIDED}
     *     while it goes on well, or the first byte nginx refuses (0-255) plus 256 times its offset in the line
     */
    static int judge(ByteBuf in) {
        return RequestLineJudge.judge(in);
    }

    /**
     * {@link #judge} of the first bytes alone: {@link #PLAUSIBLE} once a byte other than CR and LF can start a method,
     * {@link #UNDECIDED} before one, or the byte, which no request starts with.
     */
    static int judgeStart(ByteBuf in) {
        for (int i = in.readerIndex(); i < in.writerIndex(); i++) {
            int b = in.getUnsignedByte(i);
            if (b != '\r' && b != '\n') {
                return RequestLineJudge.methodByte(b) ? PLAUSIBLE : b;
            }
        }
        return UNDECIDED;
    }

    private static final String MALFORMED = "malformed request from the client: ";

    /**
     * What is wrong with the request line in {@code in} whose byte {@link #judge} refused ({@code judged}), for a record's
     * failure after "malformed request from the client: ".
     */
    static String reason(ByteBuf in, int judged) {
        return reason(judged, lineUpTo(in, judged));
    }

    /**
     * What is wrong with a request line with the byte {@link #judge} refused ({@code judged}), {@code line} being the
     * line up to that byte (for a version nginx answers {@code 505}, and to name the HTTP/2 preface), or empty.
     */
    private static String reason(int judged, String line) {
        int badByte = judged & 0xff;
        int offset = (judged & ~RequestLineJudge.VERSION_NOT_SUPPORTED) >>> 8;
        if ((judged & RequestLineJudge.VERSION_NOT_SUPPORTED) != 0) {
            return "its request line, \"" + line + "\", asks for a version from"
                    + " HTTP/2 on, which is answered 505 HTTP Version Not Supported by the proxy itself, as by nginx, and"
                    + " not relayed (HTTP/2 and 3 are reached through TLS's ALPN, not through a request line)";
        }
        if (offset == 0) {
            return String.format("it starts with byte 0x%02x, which no request method starts with (A-Z, '_' or '-')",
                    badByte);
        }
        String preface = line.startsWith("PRI *")
                ? ": the HTTP/2 connection preface, from a client that speaks HTTP/2 without asking (gRPC, curl"
                        + " --http2-prior-knowledge), which nginx's HTTP/1.1 port refuses too"
                : "";
        return String.format("byte 0x%02x at offset %d of its request line, which nginx"
                + " refuses there (a method of A-Z, '_' and '-', a target starting with '/' or a scheme, HTTP/1., no"
                + " control characters, CR only before LF)%s", badByte, offset, preface);
    }

    /**
     * Judges the readable bytes of {@code in}; bytes that no request starts with are answered with nginx's {@code 400}
     * at once, a version from HTTP/2 on with its {@code 505}, recorded, and the connection closed.
     *
     * @return {@link #UNDECIDED}, {@link #PLAUSIBLE}, or {@link #REJECTED} once answered
     */
    static int check(ChannelHandlerContext ctx, ByteBuf in) {
        int judged = judge(in);
        if (judged == UNDECIDED || judged == PLAUSIBLE) {
            return judged;
        }
        String failure = MALFORMED + reason(in, judged);
        boolean head = ClientHttpCodec.isHead(in);
        in.skipBytes(in.readableBytes());
        LiveConnection connection = ctx.channel().attr(ProxyServer.CONNECTION).get();
        HttpResponseStatus status = (judged & RequestLineJudge.VERSION_NOT_SUPPORTED) != 0
                ? HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED : HttpResponseStatus.BAD_REQUEST;
        if (head) {
            ErrorPages.rejectHead(ctx, connection, status, failure, "answered " + status.code());
        } else {
            ErrorPages.reject(ctx, connection, status, failure, "answered " + status.code());
        }
        return REJECTED;
    }

    /** The first request line in {@code in} up to and with the byte {@code judged} names, as ISO-8859-1. */
    private static String lineUpTo(ByteBuf in, int judged) {
        int start = in.readerIndex();
        while (in.getByte(start) == '\r' || in.getByte(start) == '\n') {
            start++;
        }
        int length = ((judged & ~RequestLineJudge.VERSION_NOT_SUPPORTED) >>> 8) + 1;
        return in.toString(start, length, StandardCharsets.ISO_8859_1);
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
