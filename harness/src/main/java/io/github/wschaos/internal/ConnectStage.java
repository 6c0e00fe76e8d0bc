package io.github.wschaos.internal;

import io.github.wschaos.record.Outcome;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

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
     *
     * <p>The client's FIN is dropped too: a firewall that drops packets answers no FIN, so a client that half-closes
     * and waits for the server's (Python's {@code websockets} after its open timeout, for its close timeout) waits in
     * vain, as it would behind the firewall. The attempt is recorded as ended at that FIN. The half-closed socket is
     * closed {@link #HALF_CLOSED_HOLD} later, when the client's kernel has dropped its orphaned end (Linux's
     * {@code tcp_fin_timeout}), or when the proxy closes.
     */
    static final class Blackhole extends ChannelInboundHandlerAdapter {
        /** How long a blackholed connection the client half-closed is held: Linux's {@code tcp_fin_timeout}. */
        static final Duration HALF_CLOSED_HOLD = Duration.ofSeconds(60);

        private final LiveConnection connection;
        private ScheduledFuture<?> release;

        Blackhole(LiveConnection connection) {
            this.connection = connection;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
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
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent) {
                clientGaveUp(ctx.channel());
                release = ctx.executor().schedule(() -> ctx.close(), HALF_CLOSED_HOLD.toMillis(), TimeUnit.MILLISECONDS);
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (release != null) {
                release.cancel(false);
            }
            clientGaveUp(ctx.channel());
        }

        private void clientGaveUp(Channel client) {
            connection.outcome(Outcome.TIMED_OUT);
            ConnectionRecorder.clientClosed(client, connection);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
