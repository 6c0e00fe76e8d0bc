package io.github.wschaos.fault;

import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Faults#names()} is every fault's name, so that a name it refuses is one no fault can have recorded. */
class FaultNamesTest {

    @Test
    void namesAreTheNamesOfEveryKindOfFault() {
        List<Fault> oneOfEach = List.of(Faults.stripUpgradeHeaders(), Faults.dropIdleConnections(ofMillis(100)),
                Faults.forceTlsMismatch(TlsMismatch.EXPIRED_CERTIFICATE), Faults.rejectOrigins("https://a.example"),
                Faults.refuseConnections(), Faults.blackhole(), Faults.delayHandshake(ofMillis(10)),
                Faults.respondWithStatus(503), Faults.closeWithCode(1001, "bye"), Faults.resetConnection(),
                Faults.swallowPings(), Faults.halfOpen(Direction.UPSTREAM), Faults.latency(ofMillis(10), Direction.BOTH),
                Faults.bandwidth(10, Direction.BOTH), Faults.slowClose(ofMillis(10), Direction.BOTH),
                Faults.timeout(ofMillis(10), Direction.BOTH), Faults.resetPeer(ofMillis(10), Direction.BOTH),
                Faults.slicer(10, 0, ofMillis(1), Direction.BOTH), Faults.limitData(10, Direction.BOTH));

        assertThat(oneOfEach).extracting(Object::getClass).containsExactlyInAnyOrder(Fault.class.getPermittedSubclasses());
        assertThat(oneOfEach).extracting(Fault::name).containsExactlyElementsOf(Faults.names());
    }
}
