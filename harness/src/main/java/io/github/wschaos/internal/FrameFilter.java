package io.github.wschaos.internal;

import io.github.wschaos.fault.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.function.Predicate;

/**
 * Drops whole WebSocket frames whose header {@code drops} matches (a message: its first frame's), in one direction, and passes every other byte
 * on as it is (payloads as slices, no copy). It cuts the stream only at message boundaries, so adding or removing it
 * mid-stream leaves a valid stream: added, it goes on from where the relay's scanner is and passes the frame in
 * flight whole, and the rest of a fragmented message under way; removed, it first drops the rest of a fragmented
 * message whose first frame it dropped (a lone continuation frame fails the connection: "invalid opcode 0"). Control
 * frames, which may come between fragments, are judged one by one. Installed only while a fault needs it.
 */
final class FrameFilter extends ChannelInboundHandlerAdapter {

    private final Predicate<FrameHeader> drops;
    private final FrameHeader header = new FrameHeader();
    private long payloadRemaining;
    private boolean dropping;
    private boolean retiring;
    /** Whether a fragmented message has begun and not ended: its continuation frames share its first frame's fate. */
    private boolean messageOpen;
    /** Whether the open message's first frame was dropped, and so its continuation frames are. */
    private boolean droppingMessage;
    /** How many bytes of the header being read went on before this filter was added. */
    private int headerBytesPassed;

    /** @param position the relay's scanner, where the stream is now; null at a frame boundary */
    private FrameFilter(Predicate<FrameHeader> drops, FrameScanner position) {
        this.drops = drops;
        if (position != null) {
            payloadRemaining = position.payloadRemaining();
            if (payloadRemaining == 0) { // between frames, or in a header
                header.copyFrom(position.header());
                headerBytesPassed = header.collected();
            }
        }
    }

    /** Installs a filter named {@code name} on the sides {@code direction} covers; stopping removes them. */
    static Session.FrameFault install(Session session, String name, Direction direction, Predicate<FrameHeader> drops) {
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
                    FrameScanner position = channel.pipeline().get("relay") instanceof RelayHandler relay ? relay.scanner() : null;
                    channel.pipeline().addBefore("relay", name, new FrameFilter(drops, position));
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
            if (filter.canLeave()) {
                channel.pipeline().remove(filter);
            }
        }
    }

    /** At a frame boundary, and not in a message whose first frame was dropped. */
    private boolean canLeave() {
        return payloadRemaining == 0 && header.isEmpty() && !(messageOpen && droppingMessage);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            while (in.isReadable()) {
                if (retiring && canLeave()) {
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
                } else if (header.add(in.readByte())) {
                    headerRead(ctx);
                }
            }
        } finally {
            in.release();
        }
    }

    /** A header is complete: decide the frame's fate and pass the header on unless it is dropped. */
    private void headerRead(ChannelHandlerContext ctx) {
        // A frame whose header began before this filter was added has begun at the other side: it goes on whole.
        int opcode = header.opcode();
        if (opcode >= 8) { // a control frame, alone
            dropping = headerBytesPassed == 0 && !retiring && drops.test(header);
        } else {
            if (opcode != 0) { // a message begins
                droppingMessage = headerBytesPassed == 0 && !retiring && drops.test(header);
            } // else a continuation frame: its message's fate (one begun before this filter was added goes on)
            dropping = droppingMessage;
            messageOpen = !header.fin();
        }
        if (!dropping) {
            ctx.fireChannelRead(header.writeTo(ctx.alloc().buffer(header.size() - headerBytesPassed), headerBytesPassed));
        }
        headerBytesPassed = 0;
        payloadRemaining = header.payloadLength();
        header.reset();
    }
}
