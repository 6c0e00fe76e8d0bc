package io.github.wschaos.internal;

import io.github.wschaos.fault.CloseWithCode;
import io.github.wschaos.record.Closer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@link CloseWithCode} on one connection: after the delay, relaying stops, the client gets a close frame
 * (and the upstream a masked one, if asked), and each side's TCP connection is closed once that side answers
 * with its own close frame or closes, or after a grace period, as a server going away does.
 */
final class CloseFrames implements Session.FrameFault {

    private static final long GRACE_MILLIS = 1000;

    private final Session session;
    private final CloseWithCode fault;
    private final Duration after;
    private ScheduledFuture<?> timer;

    CloseFrames(Session session, CloseWithCode fault, Duration after) {
        this.session = session;
        this.fault = fault;
        this.after = after;
    }

    @Override
    public void start() {
        timer = session.client().eventLoop().schedule(this::close, after.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void close() {
        LiveConnection connection = session.connection();
        connection.closedByProxy(fault.name());
        connection.closeFrame(Closer.PROXY, fault.code(), fault.reason());
        drain(session.client(), Closer.CLIENT);
        drain(session.upstream(), Closer.UPSTREAM);
        session.client().writeAndFlush(frame(session.client(), false));
        if (fault.alsoUpstream()) {
            session.upstream().writeAndFlush(frame(session.upstream(), true));
        } else {
            session.upstream().close();
        }
    }

    /** Replaces the relay on {@code channel} with a handler that waits for the answering close frame. */
    private void drain(Channel channel, Closer side) {
        if (!channel.isActive()) {
            return;
        }
        Draining draining = new Draining(side);
        channel.pipeline().replace("relay", "relay", draining);
        channel.config().setAutoRead(true);
        channel.eventLoop().schedule(() -> channel.close(), GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    private ByteBuf frame(Channel channel, boolean masked) {
        byte[] reason = fault.reason().getBytes(StandardCharsets.UTF_8);
        int length = 2 + reason.length;
        ByteBuf frame = channel.alloc().buffer(2 + (masked ? 4 : 0) + length);
        frame.writeByte(0x88);
        frame.writeByte((masked ? 0x80 : 0) | length);
        byte[] payload = new byte[length];
        payload[0] = (byte) (fault.code() >> 8);
        payload[1] = (byte) fault.code();
        System.arraycopy(reason, 0, payload, 2, reason.length);
        if (masked) {
            byte[] key = new byte[4];
            ThreadLocalRandom.current().nextBytes(key);
            frame.writeBytes(key);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= key[i & 3];
            }
        }
        return frame.writeBytes(payload);
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** Drops what the side still sends and closes TCP when its close frame has come. */
    private final class Draining extends ChannelInboundHandlerAdapter {
        private final FrameScanner scanner;

        Draining(Closer side) {
            TrafficCounter counter = side == Closer.CLIENT
                    ? session.connection().clientToUpstream() : session.connection().upstreamToClient();
            this.scanner = new FrameScanner(side, session.connection(), counter, ignored -> {
                session.client().eventLoop().execute(() -> sideChannel(side).close());
            });
        }

        private Channel sideChannel(Closer side) {
            return side == Closer.CLIENT ? session.client() : session.upstream();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buffer) {
                scanner.scan(buffer);
            }
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }
}
