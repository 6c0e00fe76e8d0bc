package io.github.wschaos.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;

/**
 * Before the TLS handler of the listener: when the client's handshake has failed, the close that follows the alert
 * first shuts the output down, so the client gets a FIN as from nginx. On io_uring the close alone left the socket
 * open in the kernel, a receive still pending on it, for as long as the client kept its side open (measured: no FIN
 * after 300 s, where nio and epoll send one at once).
 */
final class FinAfterFailedHandshake extends ChannelOutboundHandlerAdapter {

    private final SslHandler tls;

    FinAfterFailedHandshake(SslHandler tls) {
        this.tls = tls;
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        boolean failed = tls.handshakeFuture().isDone() && !tls.handshakeFuture().isSuccess();
        if (failed && ctx.channel() instanceof DuplexChannel duplex && duplex.isActive() && !duplex.isOutputShutdown()) {
            // The empty write completes once the alert before it has left; then the FIN, then the close.
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written ->
                    duplex.shutdownOutput().addListener(shut -> ctx.close(promise)));
            return;
        }
        ctx.close(promise);
    }
}
