package io.github.wschaos.internal;

import io.github.wschaos.record.Closer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After the upgrade: passes every received buffer to the other side as it is (retain-free hand-over,
 * no decode, no copy), lets a {@link FrameScanner} read the frame headers on the way for the record,
 * flushes once per read burst, and reads from this side only while the other side can take more. After an upgrade
 * to another protocol than WebSocket (a tunnel) it only counts bytes.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(RelayHandler.class);

    private final Channel peer;
    private final Closer side;
    private final LiveConnection connection;
    private final TrafficCounter counter;
    private final FrameScanner scanner;
    private boolean flushPending;
    /** A close frame ended in the buffer being relayed: from the upstream, its write to the client is watched. */
    private boolean closeFrameInBuffer;

    /**
     * @param side the side this handler reads from
     * @param webSocket whether the bytes are WebSocket frames (scanned for the record), or a tunnel's bytes
     */
    RelayHandler(Channel peer, Closer side, LiveConnection connection, boolean webSocket) {
        this.peer = peer;
        this.side = side;
        this.connection = connection;
        this.counter = side == Closer.CLIENT ? connection.clientToUpstream() : connection.upstreamToClient();
        this.scanner = webSocket ? new FrameScanner(side, connection, counter, code -> closeFrameInBuffer = true) : null;
    }

    /** The scanner of the frames this side sends, or null in a tunnel. */
    FrameScanner scanner() {
        return scanner;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(peer.isWritable());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buffer)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!peer.isActive()) {
            buffer.release();
            return;
        }
        if (scanner != null) {
            scanner.scan(buffer);
        } else {
            counter.bytes(buffer.readableBytes());
        }
        if (closeFrameInBuffer && side == Closer.UPSTREAM) {
            // The upstream's close frame: the attempt has ended for the client once it has left for the client's socket
            // (a latency toxic may hold it, a timeout toxic drop it).
            connection.writeCloseFrameToClient(peer, buffer, false);
        } else {
            peer.write(buffer, peer.voidPromise());
        }
        closeFrameInBuffer = false;
        flushPending = true;
        if (!peer.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (flushPending) {
            flushPending = false;
            peer.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // What the peer sends is written to this channel: read from the peer while this one can take it.
        boolean writable = ctx.channel().isWritable();
        if (peer.config().isAutoRead() != writable) {
            peer.config().setAutoRead(writable);
        }
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * The client's FIN where Toxiproxy's toxics made its connection allow half-closure ({@link ToxicChain}): as in
     * Toxiproxy, the upstream connection closes once what is on its way there has left, and the client's closes when
     * that close reaches it through the downstream toxics (a {@code slow_close} holds it, a {@code latency} delivers
     * what it holds first). The attempt has ended for the client with its FIN.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            connection.closing();
            connection.tcpClosed(side);
            Session session = ctx.channel().attr(ProxyServer.SESSION).get();
            if (session != null) {
                session.clientHalfClosed();
            }
            Channels.closeOnFlush(peer);
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.tcpClosed(side);
        Channels.closeOnFlush(peer);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: {} side failed", connection, side, cause);
        ctx.close();
    }
}
