package io.github.wschaos.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code Timeout}: drops every write, and closes the connection (FIN) once the timeout has passed since the toxic
 * started, or never for zero. Disarming closes the connection, as Toxiproxy's cleanup does: what it dropped is gone.
 */
final class TimeoutToxic extends ToxicHandler {

    private final long timeoutNanos;
    private ScheduledFuture<?> timer;

    TimeoutToxic(Wire wire, String cause, long timeoutNanos) {
        super(wire, cause);
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    void started() {
        if (timeoutNanos > 0) {
            timer = ctx.executor().schedule(() -> wire.close(cause), timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    boolean mayDrop() {
        return true;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ReferenceCountUtil.release(msg);
        promise.trySuccess();
    }

    @Override
    boolean lifting() {
        wire.close(cause);
        return true;
    }

    @Override
    void stopped() {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
