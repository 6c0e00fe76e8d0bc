package io.github.wschaos.testing.leak;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The leak reports Netty's detectors made in this JVM that no test class has answered for yet, and the
 * resource types whose detectors report here. Thread-safe: detectors report from any I/O thread.
 */
final class LeakReports {

    /** The hint that marks the deliberately leaked buffers of {@link LeakCheckExtension}. */
    static final String CANARY = "wschaos leak canary #";

    /** A hint that keeps a deliberate leak's report out of the log (it is still reported here). */
    static final String DELIBERATE = "deliberate leak, not logged";

    private static final Queue<String> pending = new ConcurrentLinkedQueue<>();
    private static final Set<String> watchedTypes = ConcurrentHashMap.newKeySet();

    private LeakReports() {
    }

    static void watching(String resourceType) {
        watchedTypes.add(resourceType);
    }

    /** Whether leaks of {@code resourceType} are reported here (false if its detector was made before ours). */
    static boolean isWatched(String resourceType) {
        return watchedTypes.contains(resourceType);
    }

    static void report(String report) {
        pending.add(report);
    }

    /** Every report not taken yet, oldest first; each report is handed out once. */
    static List<String> take() {
        List<String> taken = new ArrayList<>();
        String report;
        while ((report = pending.poll()) != null) {
            taken.add(report);
        }
        return taken;
    }
}
