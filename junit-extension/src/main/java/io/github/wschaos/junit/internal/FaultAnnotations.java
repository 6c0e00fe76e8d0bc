package io.github.wschaos.junit.internal;

import io.github.wschaos.fault.Fault;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.fault.Target;
import io.github.wschaos.junit.Blackhole;
import io.github.wschaos.junit.ChaosProfile;
import io.github.wschaos.junit.CloseWithCode;
import io.github.wschaos.junit.DelayHandshake;
import io.github.wschaos.junit.DropIdleConnections;
import io.github.wschaos.junit.ForceTlsMismatch;
import io.github.wschaos.junit.HalfOpen;
import io.github.wschaos.junit.RefuseConnections;
import io.github.wschaos.junit.RejectOrigins;
import io.github.wschaos.junit.ResetConnection;
import io.github.wschaos.junit.RespondWithStatus;
import io.github.wschaos.junit.StripUpgradeHeaders;
import io.github.wschaos.junit.SwallowPings;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The fault annotations and the faults they stand for. Adding a fault annotation takes the annotation (its own
 * attributes plus the targeting attributes {@code attempts}, {@code next}, {@code path}, {@code upgradesOnly},
 * {@code probability}, {@code startingAfter}, any of which it may leave out) and one line in the static block below.
 */
public final class FaultAnnotations {

    /** Turns one annotation into faults; {@code read} parses its durations and lists with messages naming it. */
    @FunctionalInterface
    interface Mapping<A extends Annotation> {
        List<Fault> faults(A annotation, Reader read);
    }

    /** Turns one annotation into one fault. */
    @FunctionalInterface
    interface SingleMapping<A extends Annotation> {
        Fault fault(A annotation, Reader read);
    }

    private static final Map<Class<? extends Annotation>, Mapping<? extends Annotation>> MAPPINGS = new LinkedHashMap<>();

    static {
        map(StripUpgradeHeaders.class, (a, r) -> Faults.stripUpgradeHeaders());
        map(DropIdleConnections.class, (a, r) -> Faults.dropIdleConnections(r.duration("value", a.value()), a.resetOn(), a.cut()));
        map(ForceTlsMismatch.class, (a, r) -> Faults.forceTlsMismatch(a.value()));
        map(RejectOrigins.class, (a, r) -> Faults.rejectOrigins(a.status(), a.value()));
        map(RefuseConnections.class, (a, r) -> Faults.refuseConnections());
        map(Blackhole.class, (a, r) -> Faults.blackhole());
        map(DelayHandshake.class, (a, r) -> Faults.delayHandshake(r.duration("value", a.value())));
        map(RespondWithStatus.class, (a, r) -> Faults.respondWithStatus(a.value(), r.headers("headers", a.headers()), a.body()));
        map(CloseWithCode.class, (a, r) -> new io.github.wschaos.fault.CloseWithCode(a.value(), a.reason(),
                r.duration("after", a.after()), a.alsoUpstream()));
        map(ResetConnection.class, (a, r) -> Faults.resetConnection(r.duration("after", a.after())));
        map(SwallowPings.class, (a, r) -> Faults.swallowPings(a.value()));
        map(HalfOpen.class, (a, r) -> Faults.halfOpen(a.value()));
        mapAll(ChaosProfile.class, (a, r) -> {
            if (!a.idleTimeout().isEmpty() && a.value() != ChaosProfile.Platform.AWS_ALB) {
                throw new IllegalArgumentException("idleTimeout = \"" + a.idleTimeout() + "\" applies to Platform.AWS_ALB"
                        + " only (the load balancer's configurable timeout); " + a.value() + "'s timeout is fixed: leave"
                        + " idleTimeout empty, or use @DropIdleConnections(\"" + a.idleTimeout() + "\") for another timeout");
            }
            return a.value().faults(a.idleTimeout().isEmpty() ? null : r.duration("idleTimeout", a.idleTimeout()));
        });
    }

    private static final String ACCEPTED_ATTEMPTS =
            "accepted are \"3\" (one attempt) or \"2..4\" (both included, from 1)";
    private static final Pattern ATTEMPTS = Pattern.compile("\\s*(\\d{1,9})\\s*(?:\\.\\.\\s*(\\d{1,9})\\s*)?");

    private FaultAnnotations() {
    }

    private static <A extends Annotation> void map(Class<A> type, SingleMapping<A> mapping) {
        mapAll(type, (a, r) -> List.of(mapping.fault(a, r)));
    }

    private static <A extends Annotation> void mapAll(Class<A> type, Mapping<A> mapping) {
        MAPPINGS.put(type, mapping);
    }

    /** One fault annotation found on an element, already turned into faults and a target. */
    public record Declared(String where, List<Fault> faults, Target target) {
    }

    /**
     * The fault annotations directly on {@code element} (a class, with its superclasses for inherited ones, or a method),
     * in the order of the mappings, then of declaration.
     *
     * @throws ExtensionConfigurationException naming the annotation, the element and the bad value
     */
    public static List<Declared> on(AnnotatedElement element) {
        List<Declared> declared = new ArrayList<>();
        for (Map.Entry<Class<? extends Annotation>, Mapping<? extends Annotation>> entry : MAPPINGS.entrySet()) {
            for (Annotation annotation : AnnotationSupport.findRepeatableAnnotations(element, entry.getKey())) {
                declared.add(declare(annotation, entry.getValue(), element));
            }
        }
        return declared;
    }

    /** The first fault annotation on {@code element}, for a misuse message; null if none. */
    public static String firstOn(AnnotatedElement element) {
        for (Class<? extends Annotation> type : MAPPINGS.keySet()) {
            if (!AnnotationSupport.findRepeatableAnnotations(element, type).isEmpty()) {
                return "@" + type.getSimpleName() + " on " + Elements.describe(element);
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static <A extends Annotation> Declared declare(Annotation annotation, Mapping<A> mapping, AnnotatedElement element) {
        String where = "@" + annotation.annotationType().getSimpleName() + " on " + Elements.describe(element);
        Reader read = new Reader(where);
        try {
            List<Fault> faults = mapping.faults((A) annotation, read);
            return new Declared(where, faults, target(annotation, read));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ExtensionConfigurationException(where + ": " + e.getMessage(), e);
        }
    }

    private static Target target(Annotation annotation, Reader read) {
        List<Target> parts = new ArrayList<>();
        String attempts = attribute(annotation, "attempts", String.class, "");
        if (!attempts.isEmpty()) {
            Matcher range = ATTEMPTS.matcher(attempts);
            if (!range.matches()) {
                throw new ExtensionConfigurationException(read.where() + ": attempts = \"" + attempts
                        + "\" is not an attempt range; " + ACCEPTED_ATTEMPTS);
            }
            int first = Integer.parseInt(range.group(1));
            int last = range.group(2) == null ? first : Integer.parseInt(range.group(2));
            if (first < 1 || last < first) {
                throw new ExtensionConfigurationException(read.where() + ": attempts = \"" + attempts
                        + "\" is an empty range or starts below 1; " + ACCEPTED_ATTEMPTS);
            }
            parts.add(Target.attempts(first, last));
        }
        int next = attribute(annotation, "next", Integer.class, 0);
        if (next < 0) {
            throw new IllegalArgumentException("next = " + next + " is negative; accepted are 1 or more (the next N"
                    + " connections), or 0, the default, for no such limit");
        }
        if (next != 0) {
            parts.add(Target.next(next));
        }
        String path = attribute(annotation, "path", String.class, "");
        if (!path.isEmpty()) {
            parts.add(Target.path(path));
        }
        if (attribute(annotation, "upgradesOnly", Boolean.class, false)) {
            parts.add(Target.upgrades());
        }
        double probability = attribute(annotation, "probability", Double.class, 1.0);
        if (probability != 1.0) {
            parts.add(Target.probability(probability));
        }
        String startingAfter = attribute(annotation, "startingAfter", String.class, "");
        if (!startingAfter.isEmpty()) {
            parts.add(Target.after(read.duration("startingAfter", startingAfter)));
        }
        return parts.stream().reduce(Target::and).orElse(Target.all());
    }

    private static <T> T attribute(Annotation annotation, String name, Class<T> type, T absent) {
        Method method;
        try {
            method = annotation.annotationType().getMethod(name);
        } catch (NoSuchMethodException e) {
            return absent;
        }
        try {
            return type.cast(method.invoke(annotation));
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + name + " of " + annotation, e);
        }
    }

    /** Reads annotation values that need parsing, with messages naming where they were written. */
    record Reader(String where) {

        Duration duration(String attribute, String value) {
            return AnnotationDuration.parse(value, attribute, where);
        }

        Map<String, String> headers(String attribute, String[] headers) {
            Map<String, String> parsed = new LinkedHashMap<>();
            for (String header : headers) {
                int colon = header.indexOf(':');
                if (colon <= 0) {
                    throw new ExtensionConfigurationException(where + ": " + attribute + " entry \"" + header
                            + "\" is not a header; accepted is \"Name: value\", e.g. \"Retry-After: 5\"");
                }
                parsed.put(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
            }
            return parsed;
        }
    }
}
