package io.github.wschaos.testcontainers;

import java.util.concurrent.TimeUnit;
import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;

/**
 * Waits for the standalone proxy's "wschaos proxy listening" line; when the container ends first (a bad
 * {@code --fault} or {@code --upstream} exits with code 2 at once), fails at once with the proxy's own message,
 * instead of after the startup timeout with Testcontainers' "Timed out waiting for log output".
 */
final class StandaloneProxyStarted extends AbstractWaitStrategy {

    private static final String READY = "wschaos proxy listening";
    private static final long POLL_MILLIS = 100;

    @Override
    protected void waitUntilReady() {
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        while (true) {
            String logs = waitStrategyTarget.getLogs();
            if (logs.contains(READY)) {
                return;
            }
            if (!waitStrategyTarget.isRunning()) {
                Long code = waitStrategyTarget.getCurrentContainerInfo().getState().getExitCodeLong();
                throw new ContainerLaunchException("The standalone wschaos proxy exited with code " + code
                        + " before it listened: " + logs.strip());
            }
            if (System.nanoTime() > deadline) {
                throw new ContainerLaunchException("The standalone wschaos proxy did not listen within "
                        + startupTimeout.toSeconds() + " s; its output so far: " + logs.strip());
            }
            sleep();
        }
    }

    /** The pause between two looks at the container (a poll of Docker, not a wait for the test's own work). */
    private static void sleep() {
        try {
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ContainerLaunchException("interrupted while waiting for the standalone proxy", e);
        }
    }
}
