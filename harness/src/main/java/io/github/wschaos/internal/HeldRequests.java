package io.github.wschaos.internal;

import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * A request held back by a handshake delay, and what the client sent after it (its body, later pipelined requests):
 * none of it reaches the upstream until the delay is over, and then all of it goes on in order. Used on the
 * connection's event loop only.
 */
final class HeldRequests {

    private final Queue<Object> held = new ArrayDeque<>(2); // held only behind a delay: small until then
    private int requests;
    private boolean holding;

    /** From now on, what the client sends is held. */
    void start() {
        holding = true;
    }

    /** Whether a delay is holding what the client sends. */
    boolean holding() {
        return holding;
    }

    /** Holds a request head, a body part, or anything else on its way to the upstream. */
    void add(Object message) {
        held.add(message);
    }

    /** A request head was passed on while holding: it goes with what is held. */
    void requestPassedOn() {
        requests++;
    }

    /** The requests held: passed on, and not yet sent to the upstream. */
    int requests() {
        return requests;
    }

    /** The delay is over: what was held moves, in order, to the end of {@code next}; nothing is held any more. */
    void endInto(Queue<Object> next) {
        holding = false;
        requests = 0;
        next.addAll(held);
        held.clear();
    }

    /** The delay is over with nothing to go on (the connection ended): what was held is released. */
    void end() {
        holding = false;
        requests = 0;
        release();
    }

    void release() {
        Object message;
        while ((message = held.poll()) != null) {
            ReferenceCountUtil.release(message);
        }
    }
}
