package io.github.wschaos.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;

/**
 * After an {@code SslHandler}, of a {@code wss://} upstream or of the TLS listener: the peer's TLS {@code close_notify}
 * ends its stream, as nginx reads it (end of file). A TLS terminator such as stunnel sends it but holds the TCP
 * connection open for a minute, waiting for the peer's; a client that ends TLS without closing TCP (Python's
 * {@code SSLSocket.unwrap()}) does the same. Without this such a connection hung, and held its other side open,
 * that long. The channel is closed as after the peer's TCP close, without a {@code close_notify} of the proxy's own:
 * nginx sends none after the peer's (it marks the connection {@code no_send_shutdown}), so a client that waits for one
 * (Python's {@code unwrap()}) reads an unexpected end of file behind nginx, and must behind the proxy too.
 */
final class TlsCloseAsEndOfStream extends ChannelInboundHandlerAdapter {

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslCloseCompletionEvent) {
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            // Closed from the TLS handler's place, not through it, which would write a close_notify.
            (tls == null ? ctx : ctx.pipeline().context(tls)).close();
        }
        ctx.fireUserEventTriggered(event);
    }
}
