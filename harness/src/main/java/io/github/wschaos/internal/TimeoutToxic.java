package io.github.wschaos.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code Timeout}: drops every write, and closes the connection (FIN) once the timeout has passed with no data in its
 * direction, or never for zero: Toxiproxy's {@code timeout} restarts its timer for every chunk it drops
 * ({@code time.After} inside its loop), so a connection whose data keeps coming (a WebSocket's heartbeat) stays open
 * and silent until the data stops. Disarming closes the connection, as Toxiproxy's cleanup does: what it dropped is
 * gone.
 */
final class TimeoutToxic extends ToxicHandler {

    private final long timeoutNanos;
    private ScheduledFuture<?> timer;
    private long lastData;

    TimeoutToxic(ToxicChain chain, String cause, long timeoutNanos) {
        super(chain, cause);
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    void started() {
        if (timeoutNanos > 0) {
            lastData = System.nanoTime();
            schedule(timeoutNanos);
        }
    }

    private void schedule(long nanos) {
        timer = ctx.executor().schedule(this::expire, nanos, TimeUnit.NANOSECONDS);
    }

    private void expire() {
        long quiet = System.nanoTime() - lastData;
        if (quiet < timeoutNanos) {
            schedule(timeoutNanos - quiet);
        } else {
            chain.close(cause);
        }
    }

    @Override
    boolean mayDrop() {
        return true;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        lastData = System.nanoTime();
        ReferenceCountUtil.release(msg);
        promise.trySuccess();
    }

    @Override
    boolean lifting() {
        chain.close(cause);
        return true;
    }

    @Override
    void stopped() {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
