package io.github.wschaos.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The toxics that hold bytes back and let them go later ({@code latency}, {@code bandwidth}, {@code slicer}): each
 * write is cut into pieces with a due time, pieces leave in order, each flushed on its own as Toxiproxy writes each
 * chunk. Held bytes count towards the channel's writability, so the relay stops reading the other side while too
 * much is held, as a TCP window would; a toxic that Toxiproxy buffers ({@code latency}) holds a number of writes
 * instead ({@link HeldWrites}).
 */
abstract class Pacer extends ToxicHandler {

    /**
     * The most bytes Toxiproxy reads into one chunk (32 KiB): a buffered toxic holds at most as many bytes as Toxiproxy's
     * would, however large the reads here are.
     */
    private static final long MAX_CHUNK_BYTES = 32 * 1024;

    private final ArrayDeque<Long> due = new ArrayDeque<>();
    private HeldWrites held;
    private long lastDue;
    private ScheduledFuture<?> timer;

    Pacer(ToxicChain chain, String cause) {
        super(chain, cause);
    }

    @Override
    void started() {
        held = bufferedWrites() > 0 ? HeldWrites.buffered(ctx, bufferedWrites(), bufferedWrites() * MAX_CHUNK_BYTES) : HeldWrites.counted(ctx);
        lastDue = System.nanoTime();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buffer && buffer.isReadable()) {
            pace(buffer, promise, System.nanoTime());
        } else if (held.isEmpty()) {
            ctx.write(msg, promise);
        } else {
            hold(msg, promise, lastDue);
        }
    }

    /**
     * How many writes the toxic holds whatever their size before the relay stops reading the other side, as Toxiproxy's
     * {@code GetBufferSize()}; 0 (the default, as in Toxiproxy): held bytes count as unsent ones.
     */
    int bufferedWrites() {
        return 0;
    }

    /** Holds {@code buffer} (in pieces, the last one with {@code promise}) through {@link #hold}. */
    abstract void pace(ByteBuf buffer, ChannelPromise promise, long nowNanos);

    /** When the last held piece leaves, from {@link System#nanoTime()}. */
    final long lastDue() {
        return lastDue;
    }

    /** Holds {@code msg} until {@code dueNanos}, and never past what was held before it. */
    final void hold(Object msg, ChannelPromise promise, long dueNanos) {
        long at = dueNanos - lastDue > 0 ? dueNanos : lastDue;
        lastDue = at;
        held.add(msg, promise);
        due.add(at);
        if (timer == null) {
            schedule(at);
        }
    }

    private void schedule(long at) {
        timer = ctx.executor().schedule(this::release, at - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    private void release() {
        timer = null;
        long now = System.nanoTime();
        while (!due.isEmpty() && due.peek() - now <= 0) {
            due.poll();
            held.removeAndWrite();
            ctx.flush();
        }
        if (!due.isEmpty()) {
            schedule(due.peek());
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (held.isEmpty()) {
            ctx.flush();
        }
    }

    @Override
    boolean lifting() {
        cancelTimer();
        due.clear();
        held.removeAndWriteAll();
        ctx.flush();
        return true;
    }

    @Override
    void stopped() {
        cancelTimer();
        due.clear();
        if (held != null) {
            if (!held.isEmpty()) {
                held.removeAndFailAll(new ClosedChannelException());
            }
            held.release();
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
