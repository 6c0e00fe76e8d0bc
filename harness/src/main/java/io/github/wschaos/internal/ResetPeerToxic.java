package io.github.wschaos.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code ResetPeer}: the first write (or close) starts the timer and nothing passes from then on; when it fires, both
 * connections are reset. Once started, disarming does not stop it: the bytes it dropped are gone.
 */
final class ResetPeerToxic extends ToxicHandler {

    private final long timeoutNanos;
    private ScheduledFuture<?> timer;
    private boolean resetting;

    ResetPeerToxic(ToxicChain chain, String cause, long timeoutNanos) {
        super(chain, cause);
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    boolean mayDrop() {
        return true;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ReferenceCountUtil.release(msg);
        trigger();
        promise.trySuccess();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (resetting) {
            ctx.close(promise);
            return;
        }
        // A close (the sender's FIN) triggers the toxic too, and turns into the reset when it fires.
        trigger();
        ctx.channel().closeFuture().addListener(closed -> promise.trySuccess());
    }

    private void trigger() {
        if (timer == null) {
            timer = ctx.executor().schedule(this::reset, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void reset() {
        resetting = true;
        chain.reset(cause);
    }

    @Override
    boolean lifting() {
        return timer == null;
    }

    @Override
    void stopped() {
        if (timer != null && !resetting) {
            timer.cancel(false);
        }
    }
}
