package io.github.wschaos.internal;

import io.github.wschaos.record.Closer;
import io.github.wschaos.record.Outcome;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/** The handlers of the faults that act as soon as a connection is accepted (blackhole also on a request head). */
final class ConnectStage {

    private ConnectStage() {
    }

    /** {@code RefuseConnections}: an RST before any byte. */
    static final class Refuse extends ChannelInboundHandlerAdapter {
        private final LiveConnection connection;

        Refuse(LiveConnection connection) {
            this.connection = connection;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            refuse(connection, ctx.channel());
        }
    }

    /** Records the refusal and resets {@code channel} (RST): on accept, or once a request head it targets was read. */
    static void refuse(LiveConnection connection, Channel channel) {
        connection.outcome(Outcome.REFUSED);
        connection.closedByProxy("refuse");
        Reset.abort(channel);
    }

    /**
     * {@code Blackhole}: reads and drops everything, answers nothing; the client gives up in the end. Added on
     * accept, or in place of the HTTP proxy once a request head it targets was read.
     */
    static final class Blackhole extends ChannelInboundHandlerAdapter {
        private final LiveConnection connection;

        Blackhole(LiveConnection connection) {
            this.connection = connection;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            if (ctx.channel().isActive()) {
                ctx.channel().config().setAutoRead(true);
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.channel().config().setAutoRead(true);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            connection.outcome(Outcome.TIMED_OUT);
            connection.tcpClosed(Closer.CLIENT);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
