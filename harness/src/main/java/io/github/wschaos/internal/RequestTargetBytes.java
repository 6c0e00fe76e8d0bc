package io.github.wschaos.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Sends a request target's bytes to the upstream as the client sent them, as nginx does. Netty's decoder reads each
 * byte of the request line as one character (ISO-8859-1), and its encoder writes the target back in UTF-8: a raw
 * {@code /café} ({@code 63 61 66 c3 a9}) went upstream as {@code /cafÃ©} ({@code ... c3 83 c2 a9}). Around the
 * upstream side's codec: before it, a target with bytes of {@code 0x80} and up gets them masked with {@code ?}, one
 * byte each in UTF-8 too; after it, the encoded head gets the client's bytes back in their places. Targets in ASCII
 * (percent-encoded ones among them) pass untouched.
 */
final class RequestTargetBytes {

    private static final String MASK = "target-mask";
    private static final String RESTORE = "target-restore";

    private RequestTargetBytes() {
    }

    /** Whether {@code target} is all ASCII, as nearly every one is (non-ASCII bytes percent-encoded). */
    static boolean isAscii(String target) {
        for (int i = 0; i < target.length(); i++) {
            if (target.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Puts the two halves around the codec named {@code codec}, once a target needs them. */
    static void install(ChannelPipeline pipeline, String codec) {
        Restore restore = new Restore();
        pipeline.addBefore(codec, RESTORE, restore);
        pipeline.addAfter(codec, MASK, new Mask(restore));
    }

    /** Takes both halves out, with the codec they surround. */
    static void remove(ChannelPipeline pipeline) {
        Channels.removeIfPresent(pipeline.channel(), MASK);
        Channels.removeIfPresent(pipeline.channel(), RESTORE);
    }

    /** Masks the bytes the encoder would change, and tells {@link Restore} which they were. */
    private static final class Mask extends ChannelOutboundHandlerAdapter {
        private final Restore restore;

        Mask(Restore restore) {
            this.restore = restore;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof HttpRequest request && !isAscii(request.uri())) {
                String target = request.uri();
                restore.pending(request.method().asciiName().length() + 1, target);
                request.setUri(masked(target));
                try {
                    ctx.write(msg, promise); // encoded and handed to Restore before this returns
                } finally {
                    restore.pending(0, null);
                }
                return;
            }
            ctx.write(msg, promise);
        }

        private static String masked(String target) {
            StringBuilder masked = new StringBuilder(target);
            for (int i = 0; i < masked.length(); i++) {
                if (masked.charAt(i) >= 0x80) {
                    masked.setCharAt(i, '?');
                }
            }
            return masked.toString();
        }
    }

    /** Writes the client's bytes over the masks in the head the encoder wrote. */
    private static final class Restore extends ChannelOutboundHandlerAdapter {
        private int offset;
        private String target;

        void pending(int offset, String target) {
            this.offset = offset;
            this.target = target;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (target != null && msg instanceof ByteBuf head) {
                int start = head.readerIndex() + offset;
                for (int i = 0; i < target.length(); i++) {
                    char c = target.charAt(i);
                    if (c >= 0x80) {
                        head.setByte(start + i, c);
                    }
                }
                target = null; // the head is the first buffer of the request; its body follows untouched
            }
            ctx.write(msg, promise);
        }
    }
}
