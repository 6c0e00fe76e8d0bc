package io.github.wschaos.internal;

import io.netty.util.concurrent.Future;

/** A connection that armed faults act on once they hit it, and that disarming must reach. */
interface FaultSite {

    /** Stops {@code fault} acting here; the future completes once it has stopped. */
    Future<?> lift(ArmedFault fault);
}
