package io.github.wschaos.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;

/** {@code ResetConnection} on one connection: both TCP connections reset (RST) after the delay. */
final class Reset implements Session.FrameFault {

    private final Session session;
    private final Duration after;
    private ScheduledFuture<?> timer;

    Reset(Session session, Duration after) {
        this.session = session;
        this.after = after;
    }

    @Override
    public void start() {
        timer = session.after(after, this::reset);
    }

    private void reset() {
        session.connection().cutByProxy("reset");
        abort(session.client());
        abort(session.upstream());
    }

    /**
     * Closes with SO_LINGER 0, which sends an RST instead of a FIN. Over TLS the close starts below the TLS handler,
     * which would otherwise send a {@code close_notify} first: a clean TLS close, which clients report as the end of
     * the stream rather than a reset.
     */
    static void abort(Channel channel) {
        if (channel.isOpen()) {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            ChannelHandlerContext tls = channel.pipeline().context(SslHandler.class);
            if (tls != null) {
                tls.close();
            } else {
                channel.close();
            }
        }
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
