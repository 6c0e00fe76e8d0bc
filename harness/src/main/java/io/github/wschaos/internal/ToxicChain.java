package io.github.wschaos.internal;

import io.github.wschaos.fault.Bandwidth;
import io.github.wschaos.fault.Direction;
import io.github.wschaos.fault.Fault;
import io.github.wschaos.fault.Latency;
import io.github.wschaos.fault.LimitData;
import io.github.wschaos.fault.ResetPeer;
import io.github.wschaos.fault.SlowClose;
import io.github.wschaos.fault.Slicer;
import io.github.wschaos.fault.Timeout;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One connection's two TCP legs as Toxiproxy's toxics see them, from accept to close. A toxic in a direction is a
 * {@link ToxicHandler} on that direction's destination, next to the socket: right after the recorder on the client
 * channel (downstream), first on the upstream channel (upstream), the newest nearest the socket, as Toxiproxy
 * appends to its chain. Handlers exist only while a toxic acts, so the relay of a connection without toxics is
 * untouched. Everything runs on the connection's event loop, which both channels share.
 */
final class ToxicChain implements FaultSite {

    private static final String AFTER = "recorder";

    private final FaultEngine engine;
    private final Channel client;
    private final LiveConnection connection;
    private final long acceptedNanos;
    private SplittableRandom random;
    private final Map<ArmedFault, List<ToxicHandler>> acting = new LinkedHashMap<>();
    private Channel upstream;
    private boolean ended;
    private int installed;
    /** Whether a toxic was ever put on the client channel (it may have left since). */
    private boolean everOnClient;

    ToxicChain(FaultEngine engine, Channel client, LiveConnection connection, long acceptedNanos) {
        this.engine = engine;
        this.client = client;
        this.connection = connection;
        this.acceptedNanos = acceptedNanos;
        client.closeFuture().addListener(closed -> endIfClosed());
    }

    /** Applies {@code fault} if its target hits this connection; the future completes once it is in effect. */
    Future<?> offer(ArmedFault fault) {
        return onEventLoop(() -> {
            if (ended || !client.isOpen() || acting.containsKey(fault)
                    || !fault.hits(connection, null, false, acceptedNanos)) {
                return;
            }
            List<ToxicHandler> handlers = new ArrayList<>(2);
            acting.put(fault, handlers);
            fault.actingOn(this);
            Direction direction = direction(fault.fault());
            if (direction.includesUpstreamTraffic()) {
                install(client, fault, handlers);
            }
            if (direction.includesClientTraffic() && upstream != null) {
                install(upstream, fault, handlers);
            }
        });
    }

    /** The upstream channel is being set up (before it connects): upstream toxics start on it now. */
    void upstreamOpening(Channel channel) {
        upstream = channel;
        channel.closeFuture().addListener(closed -> endIfClosed());
        for (Map.Entry<ArmedFault, List<ToxicHandler>> entry : acting.entrySet()) {
            if (direction(entry.getKey().fault()).includesClientTraffic()) {
                install(channel, entry.getKey(), entry.getValue());
            }
        }
    }

    private void install(Channel channel, ArmedFault fault, List<ToxicHandler> handlers) {
        if (!channel.isOpen()) {
            return;
        }
        ToxicHandler handler = handlerOf(fault.fault());
        String name = "toxic-" + fault.fault().name() + "-" + ++installed;
        if (channel == client) {
            everOnClient = true;
            // A client's FIN then ends only the upstream connection, and the client's after the downstream toxics, as
            // in Toxiproxy (RelayHandler); elsewhere it ends the connection, as without toxics (ConnectionRecorder).
            channel.config().setOption(io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE, true);
            channel.pipeline().addAfter(AFTER, name, handler);
        } else {
            channel.pipeline().addFirst(name, handler);
        }
        handlers.add(handler);
    }

    private ToxicHandler handlerOf(Fault fault) {
        String cause = fault.name();
        if (fault instanceof Latency latency) {
            return new LatencyToxic(this, cause, nanos(latency.latency()), nanos(latency.jitter()), random());
        }
        if (fault instanceof Bandwidth bandwidth) {
            return new BandwidthToxic(this, cause, bandwidth.rate());
        }
        if (fault instanceof SlowClose slowClose) {
            return new SlowCloseToxic(this, cause, nanos(slowClose.delay()));
        }
        if (fault instanceof Timeout timeout) {
            return new TimeoutToxic(this, cause, nanos(timeout.timeout()));
        }
        if (fault instanceof ResetPeer reset) {
            return new ResetPeerToxic(this, cause, nanos(reset.timeout()));
        }
        if (fault instanceof Slicer slicer) {
            return new SlicerToxic(this, cause, slicer.averageSize(), slicer.sizeVariation(), nanos(slicer.delay()),
                    random());
        }
        if (fault instanceof LimitData limit) {
            return new LimitDataToxic(this, cause, limit.bytes());
        }
        throw new IllegalStateException("No toxic behaviour for " + fault);
    }

    /** A random source per toxic, fixed by the proxy's seed and the attempt: the same seed gives the same draws. */
    private SplittableRandom random() {
        if (random == null) {
            random = new SplittableRandom(engine.seed() * 0x9E3779B97F4A7C15L + connection.attempt());
        }
        return random.split();
    }

    private long nanos(java.time.Duration duration) {
        return engine.scale(duration).toNanos();
    }

    private static Direction direction(Fault fault) {
        if (fault instanceof Latency f) {
            return f.direction();
        }
        if (fault instanceof Bandwidth f) {
            return f.direction();
        }
        if (fault instanceof SlowClose f) {
            return f.direction();
        }
        if (fault instanceof Timeout f) {
            return f.direction();
        }
        if (fault instanceof ResetPeer f) {
            return f.direction();
        }
        if (fault instanceof Slicer f) {
            return f.direction();
        }
        if (fault instanceof LimitData f) {
            return f.direction();
        }
        throw new IllegalStateException("Not a toxic: " + fault);
    }

    /** Whether the client channel has had no toxic: then none is there now. Event loop only. */
    boolean noToxicEverOnClient() {
        return !everOnClient;
    }

    /** Closes both TCP connections with a FIN, noting {@code cause} as the proxy's reason. */
    void close(String cause) {
        connection.cutByProxy(cause);
        client.close();
        if (upstream != null) {
            upstream.close();
        }
    }

    /** Resets both TCP connections (RST), noting {@code cause} as the proxy's reason. */
    void reset(String cause) {
        connection.cutByProxy(cause);
        Reset.abort(client);
        if (upstream != null) {
            Reset.abort(upstream);
        }
    }

    @Override
    public Future<?> lift(ArmedFault fault) {
        return onEventLoop(() -> {
            List<ToxicHandler> handlers = acting.remove(fault);
            if (handlers != null) {
                handlers.forEach(ToxicHandler::lift);
            }
        });
    }

    /** The proxy is closing: every toxic leaves at once, so that nothing holds the close back. Event loop only. */
    void shutdown() {
        // A copy: a dropped toxic fails the writes it held, which can close the connection and end this chain (clearing
        // acting) before the loop is through; the toxics after it were then skipped, with a ConcurrentModificationException.
        Map<ArmedFault, List<ToxicHandler>> toxics = new java.util.LinkedHashMap<>(acting);
        acting.clear();
        for (Map.Entry<ArmedFault, List<ToxicHandler>> entry : toxics.entrySet()) {
            entry.getKey().doneWith(this);
            List.copyOf(entry.getValue()).forEach(ToxicHandler::drop);
        }
    }

    private void endIfClosed() {
        if (ended || client.isOpen() || (upstream != null && upstream.isOpen())) {
            return;
        }
        ended = true;
        engine.closed(this);
        for (ArmedFault fault : acting.keySet()) {
            fault.doneWith(this);
        }
        acting.clear();
    }

    private Future<?> onEventLoop(Runnable task) {
        if (client.eventLoop().inEventLoop()) {
            task.run();
            return client.eventLoop().newSucceededFuture(null);
        }
        return client.eventLoop().submit(task);
    }
}
