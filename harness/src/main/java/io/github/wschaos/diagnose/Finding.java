package io.github.wschaos.diagnose;

import java.util.Objects;
import java.util.Optional;

/**
 * A problem the checklist found.
 *
 * @param cause the cause named
 * @param explanation what the evidence means, in a few sentences
 * @param fix the configuration snippet or client change that fixes it
 * @param reproduction the wschaos fault that reproduces it locally, or null when no fault does
 */
public record Finding(Cause cause, String explanation, String fix, Reproduction reproduction) {

    public Finding {
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(explanation, "explanation");
        Objects.requireNonNull(fix, "fix");
    }

    /** The reproduction, if a fault reproduces this cause. */
    public Optional<Reproduction> reproduce() {
        return Optional.ofNullable(reproduction);
    }
}
