package io.github.wschaos.testing.leak;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Installs the {@link RecordingLeakDetectorFactory} when the JUnit launcher session opens, before any test
 * class (and so before Netty's buffer classes) is loaded. Registered through
 * {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}; {@link LeakCheckExtension}
 * then fails each test class whose run leaves a leak report.
 */
public final class LeakGuard implements LauncherSessionListener {

    /** Called by the JUnit Platform through the service loader. */
    public LeakGuard() {
    }

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        RecordingLeakDetectorFactory.install();
    }
}
