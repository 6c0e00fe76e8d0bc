package io.github.wschaos.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * What a client sent after an upgrade request and before its answer (a first frame in the same write as the request,
 * say), held as bytes: after a {@code 101} it goes to the upstream ahead of everything else, after a refusal it is
 * read as the next request. nginx does the same with what it has read past the request head. Used on the
 * connection's event loop only.
 */
final class EarlyBytes {

    /** Created when there is something to hold: most connections never hold anything. */
    private Queue<ByteBuf> held;

    void hold(ByteBuf bytes) {
        if (held == null) {
            held = new ArrayDeque<>(2);
        }
        held.add(bytes);
    }

    boolean isEmpty() {
        return held == null || held.isEmpty();
    }

    /**
     * Passes the held bytes on, in order, to the handlers after {@code from}, then lets go of them. What they hold may be
     * another upgrade request: what follows it comes back to be held again, until that one's answer, so the bytes held
     * now are taken out first (replaying from the queue that takes them back spun the event loop for good).
     */
    void replay(ChannelHandlerContext from) {
        if (isEmpty()) {
            return;
        }
        Queue<ByteBuf> replayed = held;
        held = null;
        ByteBuf bytes;
        while ((bytes = replayed.poll()) != null) {
            from.fireChannelRead(bytes);
        }
        from.fireChannelReadComplete();
    }

    void release() {
        if (held == null) {
            return;
        }
        ByteBuf bytes;
        while ((bytes = held.poll()) != null) {
            bytes.release();
        }
    }
}
