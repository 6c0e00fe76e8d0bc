package io.github.wschaos.testing.leak;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a leak while it ran: after all its tests, garbage is collected and
 * buffers allocated until the leak detector has looked at everything that became unreachable, then any leak
 * report fails the class with the report (where the buffer was allocated and last touched).
 *
 * <p>Registered for every test class by auto-detection ({@code META-INF/services/...Extension} and
 * {@code junit.jupiter.extensions.autodetection.enabled=true}). A leak is reported when its buffer is
 * collected, which may be after its class finished: a report can therefore name the class that ran just
 * after the leaking one.
 */
public final class LeakCheckExtension implements AfterAllCallback {

    private static final AtomicLong canaries = new AtomicLong();
    private static final int ROUNDS = 200;

    /** Called by JUnit Jupiter through the service loader. */
    public LeakCheckExtension() {
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> leaks = collectLeaks();
        if (!LeakReports.isWatched("ByteBuf")) {
            throw new AssertionError("Netty's leak detection is not watched: the ByteBuf leak detector was created "
                    + "before LeakGuard installed its factory (is LeakGuard registered as a LauncherSessionListener?)");
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " Netty leak report(s) while " + context.getRequiredTestClass().getName()
                    + " ran (or the class before it):\n" + String.join("\n\n", leaks));
        }
    }

    /**
     * Collects garbage and allocates until the detector has reported everything unreachable so far, and returns
     * the reports (without the canary's). At PARANOID level a leaked canary buffer marks the end: once its own
     * report is in, everything collected with it was reported too.
     */
    static List<String> collectLeaks() {
        boolean paranoid = ResourceLeakDetector.getLevel() == ResourceLeakDetector.Level.PARANOID;
        String canary = paranoid ? leakCanary() : null;
        List<String> reports = new ArrayList<>();
        boolean canarySeen = false;
        for (int round = 0; round < ROUNDS && !(canarySeen && round > 3); round++) {
            System.gc();
            ByteBufAllocator.DEFAULT.buffer(1).release();
            for (String report : LeakReports.take()) {
                if (report.contains(LeakReports.CANARY)) {
                    canarySeen |= canary != null && report.contains(canary);
                } else {
                    reports.add(report);
                }
            }
            if (canary == null && round > 5) {
                break;
            }
        }
        if (canary != null && !canarySeen) {
            throw new AssertionError("Netty's leak detector did not report a deliberately leaked canary buffer after "
                    + ROUNDS + " garbage collections: leak detection cannot be trusted in this run");
        }
        return reports;
    }

    /** Allocates a buffer and drops it without releasing it; its report carries a unique hint. */
    private static String leakCanary() {
        String hint = LeakReports.CANARY + canaries.incrementAndGet() + " (" + LeakReports.DELIBERATE + ")";
        ByteBuf buffer = ByteBufAllocator.DEFAULT.buffer(1);
        buffer.touch(hint);
        return hint;
    }
}
