package io.github.wschaos.junit.internal;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Resolves {@code ${name}} and {@code ${name:default}} in a string from system properties, then environment variables.
 */
public final class Placeholders {

    private final UnaryOperator<String> lookup;

    Placeholders(UnaryOperator<String> lookup) {
        this.lookup = lookup;
    }

    /** Placeholders resolved from system properties, then the environment. */
    public static Placeholders fromSystem() {
        return new Placeholders(name -> {
            String property = System.getProperty(name);
            return property != null ? property : System.getenv(name);
        });
    }

    /**
     * {@code template} with every placeholder replaced.
     *
     * @param where what carries the template, for the error message
     * @throws ExtensionConfigurationException naming the placeholder when it has no value and no default, or is unclosed
     */
    public String resolve(String template, String where) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int start = template.indexOf("${", at);
            if (start < 0) {
                return out.append(template, at, template.length()).toString();
            }
            int end = template.indexOf('}', start);
            if (end < 0) {
                throw new ExtensionConfigurationException(where + ": upstream \"" + template
                        + "\" has an unclosed placeholder at position " + start + "; write ${name} or ${name:default}");
            }
            String body = template.substring(start + 2, end);
            int colon = body.indexOf(':');
            String name = colon < 0 ? body : body.substring(0, colon);
            String value = name.isBlank() ? null : lookup.apply(name);
            if (value == null && colon >= 0) {
                value = body.substring(colon + 1);
            }
            if (value == null) {
                throw new ExtensionConfigurationException(where + ": upstream \"" + template + "\" uses ${" + name
                        + "}, which is neither a system property nor an environment variable; set one, or give a default"
                        + " as ${" + name + ":value}; for a port known only once the app is up (Spring Boot's random"
                        + " port), leave upstream out and call proxy.upstream(uri) in @BeforeEach");
            }
            out.append(template, at, start).append(value);
            at = end + 1;
        }
    }
}
