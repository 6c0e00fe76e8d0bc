package io.github.wschaos.junit.internal;

import io.github.wschaos.Durations;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * A duration written in an annotation ({@code "500ms"}, {@code "2s"}, {@code "1m"}, {@code "1h"}, {@code "PT2S"}),
 * turned at once into a checked {@link Duration}; a bad one fails with the attribute, the value and the accepted forms.
 */
public final class AnnotationDuration {

    /** The accepted forms, as the error messages print them. */
    public static final String ACCEPTED = "a number with a unit (500ms, 2s, 1.5s, 1m, 1h, 1d) or an ISO-8601 duration (PT2S, PT0.5S)";

    private AnnotationDuration() {
    }

    /**
     * {@code value} as a zero or positive duration; a negative one is refused as such.
     *
     * @param where what carries the value, e.g. {@code @DropIdleConnections on method FooTest.idle()}
     * @param attribute the attribute's name
     * @throws ExtensionConfigurationException naming {@code where}, the attribute, the value and {@link #ACCEPTED}
     */
    public static Duration parse(String value, String attribute, String where) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            String problem = value != null && value.trim().startsWith("-") ? "is negative" : "is not a duration";
            throw new ExtensionConfigurationException(where + ": " + attribute + " = \"" + value + "\" " + problem
                    + "; accepted are " + ACCEPTED, e);
        }
    }
}
