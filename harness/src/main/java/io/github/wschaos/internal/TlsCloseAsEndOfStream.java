package io.github.wschaos.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslCloseCompletionEvent;

/**
 * After the {@code SslHandler} of a {@code wss://} upstream: the upstream's TLS {@code close_notify} ends its stream,
 * as nginx reads it (end of file). A TLS terminator such as stunnel sends it but holds the TCP connection open for a
 * minute, waiting for the peer's; without this the client's connection hung that long. Closing the channel answers
 * with the proxy's own {@code close_notify} and goes on as after the upstream's TCP close.
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
