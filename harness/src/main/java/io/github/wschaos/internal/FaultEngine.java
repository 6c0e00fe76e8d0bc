package io.github.wschaos.internal;

import io.github.wschaos.fault.DropIdleConnections;
import io.github.wschaos.fault.Fault;
import io.github.wschaos.fault.FaultHandle;
import io.github.wschaos.fault.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import io.netty.util.concurrent.Future;

/**
 * The faults armed on one proxy, and the upgraded connections that frame faults can act on. Each stage of a
 * connection asks it which faults hit; arming a frame fault also applies it to the open connections it targets, and
 * arming a drop-idle fault also to the plain HTTP exchanges under way.
 */
public final class FaultEngine {

    private final long seed;
    private final double timeScale;
    private final List<ArmedFault> armed = new CopyOnWriteArrayList<>();
    private final Set<Session> upgraded = ConcurrentHashMap.newKeySet();
    private final Set<ToxicChain> wires = ConcurrentHashMap.newKeySet();
    private final Set<HttpIdleDrop> exchanges = ConcurrentHashMap.newKeySet();

    public FaultEngine(long seed, double timeScale) {
        this.seed = seed;
        this.timeScale = timeScale;
    }

    long seed() {
        return seed;
    }

    /** A production duration turned into this proxy's time. */
    public Duration scale(Duration duration) {
        return Duration.ofNanos(Math.round(duration.toNanos() * timeScale));
    }

    /**
     * Arms {@code fault} for {@code target}.
     *
     * @throws IllegalArgumentException when the target cannot apply to the fault's stage
     */
    public FaultHandle arm(Fault fault, Target target) {
        Objects.requireNonNull(fault, "fault");
        Objects.requireNonNull(target, "target");
        checkTarget(fault, target);
        ArmedFault armedFault = new ArmedFault(this, fault, target);
        Fault.Stage stage = armedFault.stage();
        armed.add(armedFault);
        if (stage == Fault.Stage.FRAMES) {
            List<Future<?>> applied = new ArrayList<>();
            for (Session session : upgraded) {
                applied.add(session.offer(armedFault));
            }
            awaitAll(applied);
        }
        if (fault instanceof DropIdleConnections) {
            List<Future<?>> applied = new ArrayList<>();
            for (HttpIdleDrop exchange : exchanges) {
                applied.add(exchange.offer(armedFault));
            }
            awaitAll(applied);
        }
        if (stage == Fault.Stage.BYTES) {
            List<Future<?>> applied = new ArrayList<>();
            for (ToxicChain chain : wires) {
                applied.add(chain.offer(armedFault));
            }
            awaitAll(applied);
        }
        return armedFault;
    }

    /**
     * Checks that {@code fault} can pick its connections by {@code target}.
     *
     * @throws IllegalArgumentException if the target needs the request but the fault acts before it is read
     */
    public static void checkTarget(Fault fault, Target target) {
        Fault.Stage stage = ArmedFault.stageFor(fault, target);
        if ((stage == Fault.Stage.CONNECT || stage == Fault.Stage.BYTES) && ArmedFault.needsRequest(target)) {
            throw beforeTheRequest(fault, target);
        }
    }

    /** A fault that acts before any request is read, armed with a target that needs the request. */
    private static IllegalArgumentException beforeTheRequest(Fault fault, Target target) {
        String needs = ArmedFault.uses(target, Target.Path.class) ? "the request path"
                : "to know whether the request is a WebSocket upgrade";
        String when = fault.stage() == Fault.Stage.BYTES ? "on the raw bytes from the moment the connection is accepted"
                : "when the connection is accepted";
        return new IllegalArgumentException("target '" + target + "' needs " + needs + ", but " + fault.name()
                + " acts " + when + ", before any request is read; target attempts instead (accepted for "
                + fault.name() + ": all, next, attempts, after, probability), or use a fault that acts on the"
                + " request head: blackhole, refuse, respond-with-status, reject-origins, strip-upgrade-headers,"
                + " delay-handshake");
    }

    /**
     * Waits (up to 5 s) until work handed to the connections' event loops is done, so that a fault is in effect
     * (or lifted) when arming (or disarming) returns.
     */
    static void awaitAll(List<Future<?>> futures) {
        for (Future<?> future : futures) {
            future.awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    void disarmed(ArmedFault fault) {
        armed.remove(fault);
    }

    /** Disarms every fault. */
    public void disarmAll() {
        for (ArmedFault fault : List.copyOf(armed)) {
            fault.close();
        }
    }

    /** The armed faults, in arming order. */
    public List<FaultHandle> armed() {
        return List.copyOf(armed);
    }

    /**
     * The faults of {@code stage} that hit this connection, counting their hits. {@code path} is null and
     * {@code upgrade} false before the request is read.
     */
    List<ArmedFault> hitting(Fault.Stage stage, LiveConnection connection, String path, boolean upgrade,
            long acceptedNanos) {
        if (armed.isEmpty()) {
            return List.of();
        }
        List<ArmedFault> hits = new ArrayList<>(1);
        for (ArmedFault fault : armed) {
            if (fault.stage() == stage && fault.hits(connection, path, upgrade, acceptedNanos)) {
                hits.add(fault);
            }
        }
        return hits;
    }

    /** The armed faults of {@code kind}, in arming order. */
    List<ArmedFault> armedOf(Class<? extends Fault> kind) {
        if (armed.isEmpty()) {
            return List.of();
        }
        List<ArmedFault> of = new ArrayList<>(1);
        for (ArmedFault fault : armed) {
            if (kind.isInstance(fault.fault())) {
                of.add(fault);
            }
        }
        return of;
    }

    /** A connection relayed its first plain HTTP request: drop-idle faults armed from now on are offered to it. */
    void exchangesOpened(HttpIdleDrop exchange) {
        exchanges.add(exchange);
    }

    /** The connection upgraded or closed. */
    void exchangesClosed(HttpIdleDrop exchange) {
        exchanges.remove(exchange);
    }

    /** A connection was upgraded: frame faults armed now apply to it, and later ones will be offered. */
    void upgraded(Session session) {
        upgraded.add(session);
        for (ArmedFault fault : armed) {
            if (fault.stage() == Fault.Stage.FRAMES) {
                session.offer(fault);
            }
        }
    }

    void closed(Session session) {
        upgraded.remove(session);
    }

    /** A connection was accepted: toxics armed now apply to it, and later ones will be offered. Its event loop only. */
    void opened(ToxicChain chain) {
        wires.add(chain);
        if (armed.isEmpty()) {
            return;
        }
        for (ArmedFault fault : armed) {
            if (fault.stage() == Fault.Stage.BYTES) {
                chain.offer(fault);
            }
        }
    }

    void closed(ToxicChain chain) {
        wires.remove(chain);
    }
}
