package io.github.wschaos.internal;

import io.github.wschaos.fault.Blackhole;
import io.github.wschaos.fault.Fault;
import io.github.wschaos.fault.FaultHandle;
import io.github.wschaos.fault.RefuseConnections;
import io.github.wschaos.fault.RejectOrigins;
import io.github.wschaos.fault.Target;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A fault armed on a proxy: its target's state, its hit count, and the open connections it acts on. */
final class ArmedFault implements FaultHandle {

    private final FaultEngine engine;
    private final Fault fault;
    private final Target target;
    private final Fault.Stage stage;
    private final long armedNanos = System.nanoTime();
    private final AtomicInteger hits = new AtomicInteger();
    private final AtomicInteger nextCount = new AtomicInteger();
    private final Set<FaultSite> sites = ConcurrentHashMap.newKeySet();
    private volatile boolean armed = true;

    ArmedFault(FaultEngine engine, Fault fault, Target target) {
        this.engine = engine;
        this.fault = fault;
        this.target = target;
        this.stage = stageFor(fault, target);
    }

    /**
     * Where the fault acts: its own stage, except that blackhole and refuse move from the accept to the request
     * head when their target needs the request (a firewall that drops or resets only some requests).
     */
    static Fault.Stage stageFor(Fault fault, Target target) {
        if ((fault instanceof Blackhole || fault instanceof RefuseConnections) && needsRequest(target)) {
            return Fault.Stage.HANDSHAKE;
        }
        return fault.stage();
    }

    Fault.Stage stage() {
        return stage;
    }

    /**
     * Whether this fault hits a connection, counting the hit. Stateless parts of the target are checked first
     * so that "the next N" only counts connections the rest of the target lets through.
     */
    boolean hits(LiveConnection connection, String path, boolean upgrade, long acceptedNanos) {
        if (!armed || (fault instanceof RejectOrigins && !upgrade) // a plain request passes, and is not counted
                || !matchesStateless(target, connection.attempt(), path, upgrade, acceptedNanos)
                || !takesNext(target)) {
            return false;
        }
        hits.incrementAndGet();
        connection.fault(fault.name());
        return true;
    }

    private boolean matchesStateless(Target t, int attempt, String path, boolean upgrade, long acceptedNanos) {
        if (t instanceof Target.Attempts a) {
            return attempt >= a.first() && attempt <= a.last();
        }
        if (t instanceof Target.Path p) {
            return path != null && p.matches(path);
        }
        if (t instanceof Target.Upgrades) {
            return upgrade;
        }
        if (t instanceof Target.After a) {
            return acceptedNanos - armedNanos >= engine.scale(a.delay()).toNanos();
        }
        if (t instanceof Target.Probability p) {
            return draw(attempt) < p.p();
        }
        if (t instanceof Target.Both both) {
            return matchesStateless(both.first(), attempt, path, upgrade, acceptedNanos)
                    && matchesStateless(both.second(), attempt, path, upgrade, acceptedNanos);
        }
        return true;
    }

    private boolean takesNext(Target t) {
        if (t instanceof Target.Next next) {
            return nextCount.getAndIncrement() < next.count();
        }
        if (t instanceof Target.Both both) {
            return takesNext(both.first()) && takesNext(both.second());
        }
        return true;
    }

    /** A number in [0, 1) fixed by the proxy's seed, the fault's name and the attempt. */
    private double draw(int attempt) {
        long mixed = engine.seed() * 0x9E3779B97F4A7C15L + fault.name().hashCode() * 0xC2B2AE3D27D4EB4FL + attempt;
        return new SplittableRandom(mixed).nextDouble();
    }

    /** Whether the target needs the request head: a path, or whether the request is a WebSocket upgrade. */
    static boolean needsRequest(Target t) {
        return uses(t, Target.Path.class) || uses(t, Target.Upgrades.class);
    }

    /** Whether {@code t} is, or combines, a target of {@code kind}. */
    static boolean uses(Target t, Class<? extends Target> kind) {
        if (t instanceof Target.Both both) {
            return uses(both.first(), kind) || uses(both.second(), kind);
        }
        return kind.isInstance(t);
    }

    void actingOn(FaultSite site) {
        sites.add(site);
    }

    void doneWith(FaultSite site) {
        sites.remove(site);
    }

    @Override
    public Fault fault() {
        return fault;
    }

    @Override
    public Target target() {
        return target;
    }

    @Override
    public int hits() {
        return hits.get();
    }

    @Override
    public boolean isArmed() {
        return armed;
    }

    @Override
    public void close() {
        if (!armed) {
            return;
        }
        armed = false;
        engine.disarmed(this);
        java.util.List<io.netty.util.concurrent.Future<?>> lifted = new java.util.ArrayList<>();
        for (FaultSite site : sites) {
            lifted.add(site.lift(this));
        }
        sites.clear();
        FaultEngine.awaitAll(lifted);
    }

    @Override
    public String toString() {
        return fault + " on " + target + (armed ? "" : " (disarmed)");
    }
}
