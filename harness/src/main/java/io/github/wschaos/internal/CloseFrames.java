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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CloseWithCode} on one connection: after the delay, relaying stops, the client gets a close frame
 * (and the upstream a masked one, if asked), and each side's TCP connection is closed once that side answers
 * with its own close frame or closes, or after a grace period, as a server going away does. A frame in flight is
 * relayed to its end before the close frame, within the same grace period: a peer that stalls mid-frame longer than
 * that has its connection closed without a close frame.
 */
final class CloseFrames implements Session.FrameFault {

    private static final Logger log = LoggerFactory.getLogger(CloseFrames.class);

    private static final long GRACE_MILLIS = 1000;

    private final Session session;
    private final CloseWithCode fault;
    private final Duration after;
    /** The fault the record names as the proxy's cause. */
    private final String cause;
    private ScheduledFuture<?> timer;

    CloseFrames(Session session, CloseWithCode fault, Duration after) {
        this(session, fault, after, fault.name());
    }

    /** @param cause the fault the record names, when another fault ends the connection so (an idle timeout) */
    CloseFrames(Session session, CloseWithCode fault, Duration after, String cause) {
        this.session = session;
        this.fault = fault;
        this.after = after;
        this.cause = cause;
    }

    @Override
    public void start() {
        timer = session.after(after, this::close);
    }

    private void close() {
        LiveConnection connection = session.connection();
        Channel client = session.client();
        Channel upstream = session.upstream();
        connection.closedByProxy(cause);
        // A frame without a code is recorded as the scanner records one from a peer: no code (reported as 1005).
        connection.closeFrame(Closer.PROXY, fault.code() == CloseWithCode.NO_STATUS_CODE ? -1 : fault.code(), fault.reason());
        // Each side's frame in flight is relayed to its end first: a server going away sends its close frame after
        // the frame it is writing, never inside it.
        drain(upstream, Closer.UPSTREAM, client, () -> {
            connection.writeCloseFrameToClient(client, frame(client, false), true);
            if (!fault.alsoUpstream()) {
                upstream.close();
            }
        });
        drain(client, Closer.CLIENT, upstream, () -> {
            if (fault.alsoUpstream()) {
                upstream.writeAndFlush(frame(upstream, true));
            }
        });
    }

    /**
     * Replaces the relay on {@code channel} with a handler that finishes the frame in flight to {@code peer}, then
     * runs {@code atBoundary} (the close frame to the peer), then waits for the side's answering close frame.
     */
    private void drain(Channel channel, Closer side, Channel peer, Runnable atBoundary) {
        if (!channel.isActive()) {
            atBoundary.run();
            return;
        }
        FrameScanner relayed = channel.pipeline().get("relay") instanceof RelayHandler relay ? relay.scanner() : null;
        Draining draining = new Draining(side, peer, relayed, atBoundary);
        channel.pipeline().replace("relay", "relay", draining);
        channel.config().setAutoRead(true);
        // After what a toxic still holds on its way (a latency's 101 or close frame): a FIN never overtakes data.
        channel.eventLoop().schedule(() -> Channels.closeOnFlush(channel), GRACE_MILLIS, TimeUnit.MILLISECONDS);
        draining.startIfAtBoundary();
    }

    private ByteBuf frame(Channel channel, boolean masked) {
        byte[] reason = fault.reason().getBytes(StandardCharsets.UTF_8);
        if (fault.code() == CloseWithCode.NO_STATUS_CODE) { // a close frame without a code: an empty payload
            ByteBuf frame = channel.alloc().buffer(6);
            frame.writeByte(0x88).writeByte(masked ? 0x80 : 0);
            return masked ? frame.writeInt(ThreadLocalRandom.current().nextInt()) : frame;
        }
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

    /**
     * Relays what the side still sends of its frame in flight, then drops what it sends and closes TCP when its close
     * frame has come. What it drops is not counted in the record: the peer never gets it.
     */
    private final class Draining extends ChannelInboundHandlerAdapter {
        private final Closer side;
        private final Channel peer;
        private FrameScanner scanner;
        private Runnable atBoundary;

        /** @param relayed the relay's scanner, which knows where the frame in flight ends; null for a fresh one */
        Draining(Closer side, Channel peer, FrameScanner relayed, Runnable atBoundary) {
            this.side = side;
            this.peer = peer;
            this.atBoundary = atBoundary;
            this.scanner = relayed != null ? relayed : new FrameScanner(side, session.connection(), side == Closer.CLIENT
                    ? session.connection().clientToUpstream() : session.connection().upstreamToClient());
        }

        void startIfAtBoundary() {
            if (scanner.atBoundary()) {
                boundary();
            }
        }

        private void boundary() {
            Runnable action = atBoundary;
            atBoundary = null;
            Channel sideChannel = side == Closer.CLIENT ? session.client() : session.upstream();
            // From the boundary on, frames are only watched for the side's close frame, not counted as relayed.
            scanner = new FrameScanner(side, session.connection(), new TrafficCounter(),
                    code -> sideChannel.eventLoop().execute(sideChannel::close));
            action.run();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buffer) {
                if (atBoundary != null) {
                    int inFlight = scanner.scanToBoundary(buffer);
                    if (inFlight > 0) {
                        peer.writeAndFlush(buffer.retainedSlice(buffer.readerIndex(), inFlight));
                        buffer.skipBytes(inFlight);
                    }
                    if (scanner.atBoundary()) {
                        boundary();
                    }
                }
                if (atBoundary == null) {
                    scanner.scan(buffer);
                }
            }
            io.netty.util.ReferenceCountUtil.release(msg);
        }

        /**
         * Ends this side's pipeline while it closes: a relayed write that fails as the connection goes (the relay's
         * writes carry no listener) is no news; without this, Netty logged each at WARN as unhandled.
         */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("{}: {} side failed while closing", session.connection(), side, cause);
            ctx.close();
        }
    }
}
