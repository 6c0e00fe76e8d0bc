package io.github.wschaos.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;

/**
 * {@code LimitData}: passes writes until the limit, cuts the write that reaches it, and closes the connection (FIN)
 * once those bytes are flushed; later writes are dropped.
 */
final class LimitDataToxic extends ToxicHandler {

    private long remaining;
    private boolean reached;

    LimitDataToxic(ToxicChain chain, String cause, long bytes) {
        super(chain, cause);
        this.remaining = bytes;
    }

    @Override
    boolean mayDrop() {
        return true;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (reached) {
            ReferenceCountUtil.release(msg);
            promise.trySuccess();
            return;
        }
        int size = msg instanceof ByteBuf bytes ? bytes.readableBytes() : 0;
        if (size == 0 || size < remaining) {
            remaining -= size;
            ctx.write(msg, promise);
            return;
        }
        ByteBuf buffer = (ByteBuf) msg;
        reached = true;
        ByteBuf allowed = buffer.readRetainedSlice((int) remaining);
        buffer.release();
        remaining = 0;
        ctx.write(allowed, promise);
        // Closed in a task of its own, not in the flush's listener: that runs inside the other channel's read (the
        // relay's write of what it read), and on io_uring a close from there sent no FIN on the channel being read.
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(flushed -> ctx.channel().eventLoop().execute(() -> chain.close(cause)));
    }
}
