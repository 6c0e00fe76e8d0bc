package io.github.wschaos.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Whether bytes can start an HTTP request, judged as nginx judges them: after any empty lines, the first byte must be
 * a method's first character ({@code A}-{@code Z}, {@code _} or {@code -}); anything else gets {@code 400} at once,
 * without waiting for a line break that binary bytes may never bring. On a plain listener {@link ProtocolSniffer}
 * judges the first bytes itself; on a TLS listener this handler, after the TLS handler, judges the first decrypted
 * bytes and then leaves the pipeline.
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
     * Judges the readable bytes of {@code in} without consuming them.
     *
     * @return {@link #PLAUSIBLE}, {@link #UNDECIDED}, or the first byte (0-255), which no request starts with
     */
    static int judge(ByteBuf in) {
        for (int i = in.readerIndex(); i < in.writerIndex(); i++) {
            int b = in.getUnsignedByte(i);
            if (b != '\r' && b != '\n') {
                return (b >= 'A' && b <= 'Z') || b == '_' || b == '-' ? PLAUSIBLE : b;
            }
        }
        return UNDECIDED;
    }

    /** The record's failure for a request that starts with {@code badByte}. */
    static String failure(int badByte) {
        return String.format("malformed request from the client: it starts with byte 0x%02x, which no request method"
                + " starts with (A-Z, '_' or '-')", badByte);
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
