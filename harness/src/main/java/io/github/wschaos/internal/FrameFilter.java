package io.github.wschaos.internal;

import io.github.wschaos.fault.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.function.IntPredicate;

/**
 * Drops whole WebSocket frames whose opcode {@code drops} matches, in one direction, and passes every other byte
 * on as it is (payloads as slices, no copy). It cuts the stream only at frame boundaries, so removing it
 * mid-stream leaves a valid stream. Installed only while a fault needs it.
 */
final class FrameFilter extends ChannelInboundHandlerAdapter {

    private final IntPredicate drops;
    private final byte[] header = new byte[14];
    private int headerLength;
    private long payloadRemaining;
    private boolean dropping;
    private boolean retiring;

    private FrameFilter(IntPredicate drops) {
        this.drops = drops;
    }

    /** Installs a filter named {@code name} on the sides {@code direction} covers; stopping removes them. */
    static Session.FrameFault install(Session session, String name, Direction direction, IntPredicate drops) {
        return new Session.FrameFault() {
            @Override
            public void start() {
                if (direction.includesClientTraffic()) {
                    add(session.client());
                }
                if (direction.includesUpstreamTraffic()) {
                    add(session.upstream());
                }
            }

            private void add(Channel channel) {
                if (channel.isActive()) {
                    channel.pipeline().addBefore("relay", name, new FrameFilter(drops));
                }
            }

            @Override
            public void stop() {
                retire(session.client(), name);
                retire(session.upstream(), name);
            }
        };
    }

    /** Removes the filter at the next frame boundary, so that no frame is cut in two. */
    private static void retire(Channel channel, String name) {
        ChannelHandlerContext ctx = channel.pipeline().context(name);
        if (ctx != null) {
            FrameFilter filter = (FrameFilter) ctx.handler();
            filter.retiring = true;
            if (filter.atBoundary()) {
                channel.pipeline().remove(filter);
            }
        }
    }

    private boolean atBoundary() {
        return payloadRemaining == 0 && headerLength == 0;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            while (in.isReadable()) {
                if (retiring && atBoundary()) {
                    ctx.fireChannelRead(in.readRetainedSlice(in.readableBytes()));
                    ctx.pipeline().remove(this);
                    return;
                }
                if (payloadRemaining > 0) {
                    int length = (int) Math.min(payloadRemaining, in.readableBytes());
                    if (dropping) {
                        in.skipBytes(length);
                    } else {
                        ctx.fireChannelRead(in.readRetainedSlice(length));
                    }
                    payloadRemaining -= length;
                } else {
                    header[headerLength++] = in.readByte();
                    headerRead(ctx);
                }
            }
        } finally {
            in.release();
        }
    }

    private void headerRead(ChannelHandlerContext ctx) {
        if (headerLength < 2) {
            return;
        }
        int lengthCode = header[1] & 0x7F;
        int extended = lengthCode == 126 ? 2 : lengthCode == 127 ? 8 : 0;
        int total = 2 + extended + ((header[1] & 0x80) != 0 ? 4 : 0);
        if (headerLength < total) {
            return;
        }
        long length = lengthCode;
        if (extended > 0) {
            length = 0;
            for (int i = 2; i < 2 + extended; i++) {
                length = (length << 8) | (header[i] & 0xFF);
            }
        }
        dropping = drops.test(header[0] & 0x0F);
        if (!dropping) {
            ctx.fireChannelRead(ctx.alloc().buffer(total).writeBytes(header, 0, total));
        }
        payloadRemaining = length;
        headerLength = 0;
    }
}
