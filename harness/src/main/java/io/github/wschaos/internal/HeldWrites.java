package io.github.wschaos.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.PendingWriteQueue;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * The writes a {@link Pacer} holds back, in order, and how they hold back the relay: either they count as unsent bytes
 * (the relay stops reading the other side at the channel's high-water mark, as a TCP window would), or, like
 * Toxiproxy's buffered {@code latency} toxic (1,024 chunks), up to a number of writes without any back-pressure, so
 * that a delay does not also cut the throughput.
 */
abstract class HeldWrites {

    /** Holds writes as unsent bytes: at the high-water mark the channel turns unwritable. */
    static HeldWrites counted(ChannelHandlerContext ctx) {
        return new Counted(ctx);
    }

    /**
     * Holds up to {@code writes} writes, and up to {@code bytes} bytes in all, before the channel turns unwritable;
     * writable again at half of both.
     */
    static HeldWrites buffered(ChannelHandlerContext ctx, int writes, long bytes) {
        return new Buffered(ctx, writes, bytes);
    }

    abstract void add(Object msg, ChannelPromise promise);

    abstract boolean isEmpty();

    /** Writes the first held write on. */
    abstract void removeAndWrite();

    abstract void removeAndWriteAll();

    abstract void removeAndFailAll(Throwable cause);

    /** The toxic is gone: what holds the channel back is let go. */
    void release() {
    }

    private static final class Counted extends HeldWrites {

        private final PendingWriteQueue queue;

        Counted(ChannelHandlerContext ctx) {
            queue = new PendingWriteQueue(ctx);
        }

        @Override
        void add(Object msg, ChannelPromise promise) {
            queue.add(msg, promise);
        }

        @Override
        boolean isEmpty() {
            return queue.isEmpty();
        }

        @Override
        void removeAndWrite() {
            queue.removeAndWrite();
        }

        @Override
        void removeAndWriteAll() {
            queue.removeAndWriteAll();
        }

        @Override
        void removeAndFailAll(Throwable cause) {
            queue.removeAndFailAll(cause);
        }
    }

    private static final class Buffered extends HeldWrites {

        /** The user-defined writability bits (1 to 31) in use on a channel: each held queue has its own. */
        private static final AttributeKey<Integer> BITS_IN_USE = AttributeKey.valueOf("wschaos.heldWritesBits");

        private final ChannelHandlerContext ctx;
        private final int limit;
        private final long byteLimit;
        /** This queue's bit, or 0 when all 31 are in use: then it holds without back-pressure. */
        private final int bit;
        private final ArrayDeque<Object> messages = new ArrayDeque<>();
        private final ArrayDeque<ChannelPromise> promises = new ArrayDeque<>();
        private long bytes;
        private boolean full;

        Buffered(ChannelHandlerContext ctx, int limit, long byteLimit) {
            this.ctx = ctx;
            this.limit = limit;
            this.byteLimit = byteLimit;
            Integer used = ctx.channel().attr(BITS_IN_USE).get();
            int inUse = used == null ? 0 : used;
            int free = Integer.numberOfTrailingZeros(~inUse & ~1); // bit 0 is not a user-defined one
            this.bit = free < 32 ? free : 0;
            if (bit != 0) {
                ctx.channel().attr(BITS_IN_USE).set(inUse | 1 << bit);
            }
        }

        @Override
        void add(Object msg, ChannelPromise promise) {
            messages.add(msg);
            promises.add(promise);
            bytes += size(msg);
            if (!full && (messages.size() >= limit || bytes >= byteLimit)) {
                writable(false);
            }
        }

        @Override
        boolean isEmpty() {
            return messages.isEmpty();
        }

        @Override
        void removeAndWrite() {
            Object msg = messages.poll();
            bytes -= size(msg);
            ctx.write(msg, promises.poll());
            if (full && messages.size() <= limit / 2 && bytes <= byteLimit / 2) {
                writable(true);
            }
        }

        private static long size(Object msg) {
            return msg instanceof ByteBuf buffer ? buffer.readableBytes() : 0;
        }

        @Override
        void removeAndWriteAll() {
            while (!messages.isEmpty()) {
                ctx.write(messages.poll(), promises.poll());
            }
            bytes = 0;
            writable(true);
        }

        @Override
        void removeAndFailAll(Throwable cause) {
            while (!messages.isEmpty()) {
                ReferenceCountUtil.safeRelease(messages.poll());
                ChannelPromise promise = promises.poll();
                if (!promise.isVoid()) { // a void promise's failure would go down the pipeline, as PendingWriteQueue knows
                    promise.tryFailure(cause);
                }
            }
            bytes = 0;
            writable(true);
        }

        @Override
        void release() {
            writable(true);
            if (bit != 0) {
                Integer used = ctx.channel().attr(BITS_IN_USE).get();
                ctx.channel().attr(BITS_IN_USE).set((used == null ? 0 : used) & ~(1 << bit));
            }
        }

        private void writable(boolean writable) {
            full = !writable;
            ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
            if (buffer != null && bit != 0) {
                buffer.setUserDefinedWritability(bit, writable);
            }
        }
    }
}
