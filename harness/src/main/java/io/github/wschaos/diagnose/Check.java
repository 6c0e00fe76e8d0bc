package io.github.wschaos.diagnose;

import java.time.Duration;
import java.util.Objects;

/**
 * One row of the checklist.
 *
 * @param name what was checked ("TCP connect", "upgrade", ...)
 * @param status passed, failed or skipped
 * @param evidence what was seen: the exact status line, the exception, the timing, or why it was skipped
 * @param took how long the step took (zero when skipped)
 */
public record Check(String name, CheckStatus status, String evidence, Duration took) {

    public Check {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(evidence, "evidence");
        Objects.requireNonNull(took, "took");
    }

    static Check passed(String name, String evidence, Duration took) {
        return new Check(name, CheckStatus.PASSED, evidence, took);
    }

    static Check failed(String name, String evidence, Duration took) {
        return new Check(name, CheckStatus.FAILED, evidence, took);
    }

    static Check skipped(String name, String why) {
        return new Check(name, CheckStatus.SKIPPED, why, Duration.ZERO);
    }
}
