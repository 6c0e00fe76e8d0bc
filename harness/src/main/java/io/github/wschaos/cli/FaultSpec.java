package io.github.wschaos.cli;

import io.github.wschaos.fault.Fault;
import io.github.wschaos.fault.Target;
import java.util.Objects;

/**
 * A {@code --fault} value: the fault and the connections it hits ({@link Target#all()} unless the name carries
 * {@code @upgrades}).
 */
record FaultSpec(Fault fault, Target target) {

    FaultSpec {
        Objects.requireNonNull(fault, "fault");
        Objects.requireNonNull(target, "target");
    }

    /** As the proxy's start line names it: {@code blackhole}, {@code blackhole@upgrades}. */
    @Override
    public String toString() {
        return fault.name() + (target instanceof Target.All ? "" : "@" + target);
    }
}
