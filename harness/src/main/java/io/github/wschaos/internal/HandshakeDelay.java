package io.github.wschaos.internal;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A {@code delayHandshake} under way on one connection: when it is over, {@code end} lets the request go on (or gives
 * a fault's own answer). Disarming the fault ends it at once, as a disarmed toxic lets go of the data it holds: a held
 * handshake does not outlive the fault (or the test) that delayed it. Used on the connection's event loop.
 */
final class HandshakeDelay implements FaultSite {

    private final ArmedFault fault;
    private final EventLoop loop;
    private final Runnable end;
    private ScheduledFuture<?> timer;
    private boolean over;

    private HandshakeDelay(ArmedFault fault, EventLoop loop, Runnable end) {
        this.fault = fault;
        this.loop = loop;
        this.end = end;
    }

    /** Runs {@code end} on {@code loop} once {@code delay} is over, or {@code fault} disarmed, whichever comes first. */
    static void start(ArmedFault fault, EventLoop loop, Duration delay, Runnable end) {
        HandshakeDelay handshakeDelay = new HandshakeDelay(fault, loop, end);
        fault.actingOn(handshakeDelay);
        // Disarmed meanwhile (between the hit and here): no delay at all.
        handshakeDelay.timer = loop.schedule(handshakeDelay::finish, fault.isArmed() ? delay.toNanos() : 0,
                TimeUnit.NANOSECONDS);
    }

    private void finish() {
        if (over) {
            return;
        }
        over = true;
        fault.doneWith(this);
        end.run();
    }

    @Override
    public Future<?> lift(ArmedFault disarmed) {
        return loop.submit(() -> {
            timer.cancel(false);
            finish();
        });
    }
}
