package io.github.wschaos.diagnose;

/** How one step of the checklist ended. */
public enum CheckStatus {
    /** The step worked. */
    PASSED,
    /** The step found the problem; its evidence says what was seen. */
    FAILED,
    /** Not run: an earlier step failed, or the step was not asked for (no {@code --idle}). */
    SKIPPED
}
