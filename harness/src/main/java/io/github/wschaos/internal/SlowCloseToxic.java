package io.github.wschaos.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** {@code SlowClose}: a close of this channel happens only after the delay; disarming lets a held close through. */
final class SlowCloseToxic extends ToxicHandler {

    private final long delayNanos;
    private ChannelPromise held;
    private ScheduledFuture<?> timer;

    SlowCloseToxic(ToxicChain chain, String cause, long delayNanos) {
        super(chain, cause);
        this.delayNanos = delayNanos;
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (!ctx.channel().isActive()) {
            ctx.close(promise);
        } else if (held != null) {
            ctx.channel().closeFuture().addListener(closed -> promise.trySuccess());
        } else {
            held = promise;
            timer = ctx.executor().schedule(this::closeNow, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void closeNow() {
        ChannelPromise promise = held;
        held = null;
        timer = null;
        ctx.close(promise);
    }

    @Override
    boolean lifting() {
        if (held != null) {
            timer.cancel(false);
            closeNow();
        }
        return true;
    }

    @Override
    void stopped() {
        if (held != null) {
            timer.cancel(false);
            closeNow();
        }
    }
}
