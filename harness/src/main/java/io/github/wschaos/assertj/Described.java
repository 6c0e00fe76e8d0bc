package io.github.wschaos.assertj;

import org.assertj.core.api.AbstractAssert;

/**
 * What a user set with {@code as(...)}, {@code describedAs(...)}, {@code withFailMessage(...)} or
 * {@code overridingErrorMessage(...)}, carried from an assertion to the one it leads to ({@code within},
 * {@code attempt(n)}, {@code reconnects()}, {@code only}, {@code withTolerance}), so that a failure further along still
 * says which proxy or client it is about.
 */
final class Described {

    private Described() {
    }

    static <A extends AbstractAssert<?, ?>> A carry(AbstractAssert<?, ?> from, A to) {
        if (from.info.hasDescription()) {
            to.info.description(from.info.description());
        }
        String overriding = from.info.overridingErrorMessage();
        if (overriding != null) {
            to.info.overridingErrorMessage(overriding);
        }
        to.info.useRepresentation(from.info.representation());
        return to;
    }
}
