package io.github.wschaos.internal;

import io.github.wschaos.fault.CloseWithCode;
import io.github.wschaos.fault.DropIdleConnections;
import io.github.wschaos.fault.IdleCut;
import io.github.wschaos.fault.IdleTimer;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@link DropIdleConnections} on one upgraded connection (before the upgrade, {@link HttpIdleDrop}): watches the traffic that resets the timer and, after the
 * timeout with none, closes both TCP connections with a FIN (or resets them) and no close frame, or ends the
 * connection with close frames as a server's own idle timeout does.
 */
final class IdleDrop implements Session.FrameFault, Runnable {

    /** What Jetty's WebSocket idle timeout sends. */
    private static final CloseWithCode IDLE_TIMEOUT_CLOSE =
            new CloseWithCode(1001, "Connection Idle Timeout", Duration.ZERO, true);

    private final Session session;
    private final DropIdleConnections fault;
    private final long timeoutNanos;
    private final String handlerName;
    private long lastActivity;
    private ScheduledFuture<?> timer;

    /** @param handlerName the name of its watchers in the pipelines, its own on this connection */
    IdleDrop(Session session, DropIdleConnections fault, Duration timeout, String handlerName) {
        this.session = session;
        this.fault = fault;
        this.timeoutNanos = timeout.toNanos();
        this.handlerName = handlerName;
    }

    @Override
    public void start() {
        lastActivity = System.nanoTime();
        if (fault.resetOn() != IdleTimer.UPSTREAM_DATA) {
            session.client().pipeline().addBefore("relay", handlerName, new Watcher());
        }
        if (fault.resetOn() != IdleTimer.CLIENT_DATA) {
            session.upstream().pipeline().addBefore("relay", handlerName, new Watcher());
        }
        timer = session.client().eventLoop().schedule(this, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void run() {
        long idle = System.nanoTime() - lastActivity;
        if (idle < timeoutNanos) {
            timer = session.client().eventLoop().schedule(this, timeoutNanos - idle, TimeUnit.NANOSECONDS);
            return;
        }
        if (fault.cut() == IdleCut.GOING_AWAY) {
            new CloseFrames(session, IDLE_TIMEOUT_CLOSE, Duration.ZERO, fault.name()).start();
            return;
        }
        session.connection().cutByProxy(fault.name());
        if (fault.cut() == IdleCut.RESET) {
            Reset.abort(session.client());
            Reset.abort(session.upstream());
        } else {
            // After what a toxic still holds on its way (a latency's 101): a FIN never overtakes data.
            Channels.closeOnFlush(session.client());
            Channels.closeOnFlush(session.upstream());
        }
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.cancel(false);
        }
        Channels.removeIfPresent(session.client(), handlerName);
        Channels.removeIfPresent(session.upstream(), handlerName);
    }

    /** Notes activity and passes everything on. */
    private final class Watcher extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            lastActivity = System.nanoTime();
            ctx.fireChannelRead(msg);
        }
    }
}
