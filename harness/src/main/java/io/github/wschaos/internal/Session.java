package io.github.wschaos.internal;

import io.github.wschaos.fault.CloseWithCode;
import io.github.wschaos.fault.DropIdleConnections;
import io.github.wschaos.fault.Fault;
import io.github.wschaos.fault.HalfOpen;
import io.github.wschaos.fault.ResetConnection;
import io.github.wschaos.fault.SwallowControlFrames;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An upgraded connection as frame faults see it: both channels (on one event loop), its record, and the
 * faults acting on it. Every method runs its work on the connection's event loop.
 */
final class Session implements FaultSite {

    private final FaultEngine engine;
    private final Channel client;
    private final Channel upstream;
    private final LiveConnection connection;
    private final String path;
    private final long acceptedNanos;
    private final Map<ArmedFault, FrameFault> acting = new HashMap<>();
    /** Numbers the handlers of faults acting here, so that two faults of one kind each get their own. */
    private int handlersAdded;
    private boolean ended;

    Session(FaultEngine engine, Channel client, Channel upstream, LiveConnection connection, String path, long acceptedNanos) {
        this.engine = engine;
        this.client = client;
        this.upstream = upstream;
        this.connection = connection;
        this.path = path;
        this.acceptedNanos = acceptedNanos;
        client.attr(ProxyServer.SESSION).set(this);
        client.closeFuture().addListener(closed -> ended());
    }

    Channel client() {
        return client;
    }

    Channel upstream() {
        return upstream;
    }

    LiveConnection connection() {
        return connection;
    }

    FaultEngine engine() {
        return engine;
    }

    /** Applies {@code fault} if its target hits this connection; the future completes once it is in effect. */
    Future<?> offer(ArmedFault fault) {
        return onEventLoop(() -> {
            if (ended || !client.isActive() || acting.containsKey(fault) || !fault.hits(connection, path, true, acceptedNanos)) {
                return;
            }
            FrameFault behaviour = behaviourOf(fault.fault());
            acting.put(fault, behaviour);
            fault.actingOn(this);
            behaviour.start();
        });
    }

    /** Stops {@code fault} acting on this connection; the future completes once it has stopped. */
    @Override
    public Future<?> lift(ArmedFault fault) {
        return onEventLoop(() -> {
            FrameFault behaviour = acting.remove(fault);
            if (behaviour != null) {
                behaviour.stop();
            }
        });
    }

    /**
     * Runs {@code task} on the connection's event loop after {@code delay}. With no delay it runs at once, not as a
     * queued task: at the upgrade, a frame the client sends the moment the 101 arrives is handled in the same I/O pass,
     * ahead of queued tasks, and would slip through before the fault acts.
     *
     * @return the timer to cancel, or null if the task has run
     */
    ScheduledFuture<?> after(Duration delay, Runnable task) {
        if (delay.isZero()) {
            task.run();
            return null;
        }
        return client.eventLoop().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} on the connection's event loop: at once when already there, else as a submitted task. */
    private Future<?> onEventLoop(Runnable task) {
        if (client.eventLoop().inEventLoop()) {
            task.run();
            return client.eventLoop().newSucceededFuture(null);
        }
        return client.eventLoop().submit(task);
    }

    /**
     * The client sent its FIN and its connection stays open only for the downstream toxics to finish (RelayHandler):
     * the connection has ended for its faults, which neither act on it any more nor start to (a close frame or an idle
     * cut written after the client's FIN would make the proxy the closer). Its event loop only.
     */
    void clientHalfClosed() {
        ended();
    }

    private void ended() {
        if (ended) {
            return;
        }
        ended = true;
        engine.closed(this);
        for (Map.Entry<ArmedFault, FrameFault> entry : acting.entrySet()) {
            entry.getKey().doneWith(this);
            entry.getValue().stop();
        }
        acting.clear();
    }

    private FrameFault behaviourOf(Fault fault) {
        String handlerName = fault.name() + "#" + ++handlersAdded;
        if (fault instanceof DropIdleConnections drop) {
            return new IdleDrop(this, drop, engine.scale(drop.timeout()), handlerName);
        }
        if (fault instanceof CloseWithCode close) {
            return new CloseFrames(this, close, engine.scale(close.after()));
        }
        if (fault instanceof ResetConnection reset) {
            return new Reset(this, engine.scale(reset.after()));
        }
        if (fault instanceof SwallowControlFrames swallow) {
            // Only pings and pongs RFC 6455 allows (FIN set, no RSV bit, at most 125 bytes): a malformed one is passed on
            // for the peer to fail the connection on, as without the fault (and one claiming a huge length does not
            // swallow the rest). No extension gives a control frame an RSV bit (RFC 7692 leaves them clear).
            return FrameFilter.install(this, handlerName, swallow.direction(), header ->
                    (header.opcode() == 9 || header.opcode() == 10) && header.fin() && header.rsv() == 0
                            && header.payloadLength() <= 125);
        }
        if (fault instanceof HalfOpen halfOpen) {
            return FrameFilter.install(this, handlerName, halfOpen.direction(), header -> true);
        }
        throw new IllegalStateException("No frame behaviour for " + fault);
    }

    /** A frame fault's behaviour on one connection. */
    interface FrameFault {
        void start();

        void stop();
    }
}
