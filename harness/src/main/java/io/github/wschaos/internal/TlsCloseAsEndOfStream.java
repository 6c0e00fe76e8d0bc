package io.github.wschaos.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslCloseCompletionEvent;

/**
 * After an {@code SslHandler}, of a {@code wss://} upstream or of the TLS listener: the peer's TLS {@code close_notify}
 * ends its stream, as nginx reads it (end of file). A TLS terminator such as stunnel sends it but holds the TCP
 * connection open for a minute, waiting for the peer's; a client that ends TLS without closing TCP (Python's
 * {@code SSLSocket.unwrap()}) does the same. Without this such a connection hung, and held its other side open,
 * that long. Closing the channel answers with the proxy's own {@code close_notify} and goes on as after the peer's
 * TCP close.
 */
final class TlsCloseAsEndOfStream extends ChannelInboundHandlerAdapter {

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslCloseCompletionEvent) {
            ctx.close();
        }
        ctx.fireUserEventTriggered(event);
    }
}
