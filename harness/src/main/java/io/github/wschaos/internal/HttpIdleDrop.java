package io.github.wschaos.internal;

import io.github.wschaos.fault.DropIdleConnections;
import io.github.wschaos.fault.IdleCut;
import io.github.wschaos.fault.IdleTimer;
import io.github.wschaos.record.Outcome;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@link DropIdleConnections} on one connection's plain HTTP exchanges, before any upgrade: what nginx's
 * {@code proxy_read_timeout} and a platform's idle timeout do to a request whose answer does not come, or stalls.
 *
 * <p>Each armed drop-idle fault times the connection from the moment a request is relayed to the upstream until every
 * answer owed has ended; the data its {@link IdleTimer} names resets the timer. An idle keep-alive connection with no
 * request outstanding is not timed (nginx does not time one either). When the timer runs out, the fault's target is
 * asked whether it hits the connection (a hit is counted then, not before, so a targeting by count only counts
 * connections cut); if it does, the client sees:
 * <ul>
 *   <li>with {@link IdleCut#FIN}, no answer started: the proxy's own {@code 504 Gateway Time-out} (nginx's page, with
 *   {@code Connection: close} where nginx keeps the client's connection), the upstream connection closed;</li>
 *   <li>with {@link IdleCut#FIN}, an answer under way (server-sent events, a stalled body): both connections closed
 *   with a FIN, the body cut short;</li>
 *   <li>with {@link IdleCut#RESET}: both connections reset.</li>
 * </ul>
 * {@link IdleCut#GOING_AWAY}, a WebSocket server's own idle timeout, is not applied before the upgrade. After a
 * {@code 101} the upgraded connection's {@link IdleDrop} takes over. Runs on the connection's event loop.
 */
final class HttpIdleDrop {

    private final FaultEngine engine;
    private final FrontendHandler frontend;
    private final Channel client;
    private final Map<ArmedFault, Clock> clocks = new HashMap<>(2);
    /** Whether a request relayed to the upstream waits for the end of its answer. */
    private boolean outstanding;
    private boolean ended;
    private long lastClientData;
    private long lastUpstreamData;

    /** Registers with {@code engine}, so that a fault armed while an exchange is under way reaches it. */
    HttpIdleDrop(FaultEngine engine, FrontendHandler frontend, Channel client) {
        this.engine = engine;
        this.frontend = frontend;
        this.client = client;
        lastClientData = System.nanoTime(); // before any clock starts: counts for none
        lastUpstreamData = lastClientData;
        engine.exchangesOpened(this);
        client.closeFuture().addListener(closed -> end());
    }

    /** A request went to the upstream: the armed drop-idle faults start timing, unless an exchange was timed already. */
    void requestRelayed() {
        if (outstanding || ended) {
            return;
        }
        outstanding = true;
        for (ArmedFault fault : engine.armedOf(DropIdleConnections.class)) {
            start(fault);
        }
    }

    /** Every answer owed has ended: nothing is timed until the next request goes out. */
    void answersEnded() {
        outstanding = false;
        stopClocks();
    }

    void clientData() {
        if (!clocks.isEmpty()) {
            lastClientData = System.nanoTime();
        }
    }

    void upstreamData() {
        if (!clocks.isEmpty()) {
            lastUpstreamData = System.nanoTime();
        }
    }

    /** Times the exchange under way with {@code fault}, armed just now; the future completes once it is timing. */
    Future<?> offer(ArmedFault fault) {
        if (client.eventLoop().inEventLoop()) {
            start(fault);
            return client.eventLoop().newSucceededFuture(null);
        }
        return client.eventLoop().submit(() -> start(fault));
    }

    /** The connection upgraded or closed: nothing more is timed here. */
    void end() {
        if (!ended) {
            ended = true;
            stopClocks();
            engine.exchangesClosed(this);
        }
    }

    private void start(ArmedFault armed) {
        if (!outstanding || ended || clocks.containsKey(armed) || !armed.isArmed()
                || !(armed.fault() instanceof DropIdleConnections fault) || fault.cut() == IdleCut.GOING_AWAY) {
            return;
        }
        Clock clock = new Clock(armed, fault, engine.scale(fault.timeout()));
        clocks.put(armed, clock);
        clock.schedule(clock.timeoutNanos);
    }

    private void stopClocks() {
        for (Clock clock : clocks.values()) {
            clock.timer.cancel(false);
        }
        clocks.clear();
    }

    /** The exchange went quiet past {@code fault}'s timeout and the fault hits the connection: ends it so. */
    private void cut(DropIdleConnections fault, Duration timeout) {
        LiveConnection connection = frontend.connection();
        Channel upstream = frontend.upstreamChannel();
        end();
        String later = frontend.laterRequestAwaited();
        String to = later.isEmpty() ? "" : " to " + later;
        if (!frontend.answerUnderway() && fault.cut() == IdleCut.FIN) {
            frontend.gatewayTimeout("no answer" + to + " from the upstream within " + timeout + " of quiet: " + fault.name()
                    + " answered 504, as nginx's proxy_read_timeout does");
            return;
        }
        connection.outcome(Outcome.TIMED_OUT); // if no answer had started: the proxy gave up waiting for it
        connection.failure((frontend.answerUnderway() ? "the upstream's answer" + to + " stalled for "
                : "no answer" + to + " from the upstream within ") + timeout + ": " + fault.name()
                + (fault.cut() == IdleCut.RESET ? " reset" : " closed") + " the connection");
        connection.closedByProxy(fault.name());
        if (fault.cut() == IdleCut.RESET) {
            Reset.abort(client);
            if (upstream != null) {
                Reset.abort(upstream);
            }
        } else {
            client.close();
            if (upstream != null) {
                upstream.close();
            }
        }
    }

    /** One fault's timer on the exchange under way. */
    private final class Clock implements Runnable {
        private final ArmedFault armed;
        private final DropIdleConnections fault;
        private final long timeoutNanos;
        private final long startedNanos = System.nanoTime();
        private ScheduledFuture<?> timer;

        Clock(ArmedFault armed, DropIdleConnections fault, Duration timeout) {
            this.armed = armed;
            this.fault = fault;
            this.timeoutNanos = timeout.toNanos();
        }

        void schedule(long nanos) {
            timer = client.eventLoop().schedule(this, nanos, TimeUnit.NANOSECONDS);
        }

        /** The latest moment that counts as activity for this fault. */
        private long lastActivity() {
            long last = startedNanos;
            if (fault.resetOn() != IdleTimer.UPSTREAM_DATA && lastClientData - last > 0) {
                last = lastClientData;
            }
            if (fault.resetOn() != IdleTimer.CLIENT_DATA && lastUpstreamData - last > 0) {
                last = lastUpstreamData;
            }
            return last;
        }

        @Override
        public void run() {
            if (clocks.get(armed) != this) {
                return;
            }
            long idle = System.nanoTime() - lastActivity();
            if (idle < timeoutNanos) {
                schedule(timeoutNanos - idle);
                return;
            }
            if (!client.isActive() || frontend.answeredItself() || frontend.dropped()
                    || !armed.hits(frontend.connection(), frontend.path(), frontend.upgradeRequested(),
                    frontend.acceptedNanos())) {
                clocks.remove(armed); // disarmed, or its target spares this connection: this exchange is not cut by it
                return;
            }
            cut(fault, Duration.ofNanos(timeoutNanos));
        }
    }
}
