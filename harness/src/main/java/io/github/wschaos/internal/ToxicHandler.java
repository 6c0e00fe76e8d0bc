package io.github.wschaos.internal;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;

/**
 * One Toxiproxy toxic acting on the bytes written to one channel: the channel is its direction's destination, and
 * the handler sits next to the socket, so that it sees raw TCP bytes (TLS records as they are). It is in the
 * pipeline only while its fault is armed: a connection without toxics pays nothing.
 */
abstract class ToxicHandler extends ChannelDuplexHandler {

    final ToxicChain chain;
    final String cause;
    ChannelHandlerContext ctx;

    ToxicHandler(ToxicChain chain, String cause) {
        this.chain = chain;
        this.cause = cause;
    }

    @Override
    public final void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        started();
    }

    @Override
    public final void handlerRemoved(ChannelHandlerContext ctx) {
        stopped();
    }

    /**
     * Whether the toxic may drop what is written (and complete the write's promise all the same, as writers such as
     * the TLS handler expect): a completed write is then no sign that the bytes reached the socket.
     */
    boolean mayDrop() {
        return false;
    }

    /** The toxic starts: on the connection's start, or when it is armed on an open one. */
    void started() {
    }

    /** The handler leaves the pipeline (lifted, or the channel closed): cancel timers, release what is held. */
    void stopped() {
    }

    /**
     * The fault is disarmed: hands on what is held and leaves the pipeline, unless {@link #lifting()} says the
     * toxic must finish what it started.
     */
    final void lift() {
        if (ctx == null || ctx.isRemoved()) {
            return;
        }
        if (lifting() && !ctx.isRemoved()) {
            ctx.pipeline().remove(this);
        }
    }

    /** The proxy is closing: leaves the pipeline at once, releasing what is held, so that nothing holds the close back. */
    final void drop() {
        if (ctx != null && !ctx.isRemoved()) {
            ctx.pipeline().remove(this);
        }
    }

    /**
     * What disarming does before the handler leaves; by default nothing.
     *
     * @return whether the handler leaves the pipeline now
     */
    boolean lifting() {
        return true;
    }
}
