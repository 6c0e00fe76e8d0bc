package io.github.wschaos.internal;

import io.github.wschaos.record.Closer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * First in every client pipeline: once the client side is inactive and every handler after it has had its say,
 * completes the record as soon as the upstream side (if any) is closed too.
 */
final class ConnectionRecorder extends ChannelInboundHandlerAdapter {

    private final LiveConnection connection;

    ConnectionRecorder(LiveConnection connection) {
        this.connection = connection;
    }

    /**
     * The client's FIN on a connection that allows half-closure (Toxiproxy's toxics, {@link ToxicChain}; a blackhole):
     * only the relay and the blackhole go on with a half-closed client; anywhere else it ends the connection, as it
     * does where half-closure is off.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent && !(ctx.pipeline().get("relay") instanceof RelayHandler)
                && ctx.pipeline().get(ConnectStage.Blackhole.class) == null) {
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ctx.fireChannelInactive();
        clientClosed(ctx.channel(), connection);
    }

    /**
     * The client's side has ended (closed, or, behind a blackhole, half-closed): the record is completed as soon as
     * the upstream side (if any) is closed too. Every close the proxy starts is noted before it happens; one not
     * noted by now was the client's own. Once is enough: later calls change nothing.
     */
    static void clientClosed(Channel client, LiveConnection connection) {
        connection.closing();
        connection.tcpClosed(Closer.CLIENT);
        Channel upstream = client.attr(ProxyServer.UPSTREAM_CHANNEL).get();
        if (upstream == null) {
            connection.finished();
        } else {
            upstream.closeFuture().addListener(closed -> connection.finished());
        }
    }
}
