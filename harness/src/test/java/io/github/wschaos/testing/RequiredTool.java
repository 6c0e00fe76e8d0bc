package io.github.wschaos.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * What a test does without a tool it needs (nginx, haproxy, curl, a Python module, a kernel feature): on a developer's
 * machine it is skipped with {@code message}; in CI ({@code CI=true}), whose {@code .ci/run} installs every tool, it
 * fails, so that nothing is skipped there.
 */
public final class RequiredTool {

    private RequiredTool() {
    }

    /** Skips the calling test, or fails it in CI, saying what is missing ({@code message}) and how to get it. */
    public static void missing(String message) {
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(message + "; CI must provide it (see .ci/run)");
        }
        Assumptions.assumeTrue(false, message + "; skipping the test that needs it");
    }
}
