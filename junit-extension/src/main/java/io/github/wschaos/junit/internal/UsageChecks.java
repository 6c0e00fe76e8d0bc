package io.github.wschaos.junit.internal;

import io.github.wschaos.junit.WebSocketChaosExtension;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/**
 * The extension's checks of how a test class uses it: a fault annotation where it would do nothing (on a lifecycle
 * method, or with no proxy to arm it on), two builder-form registrations sharing one proxy. Each fails the test with an
 * {@link ExtensionConfigurationException} that names the element and what to do instead.
 */
final class UsageChecks {

    private static final Namespace NAMESPACE = Namespace.create(UsageChecks.class);

    private UsageChecks() {
    }

    /** Once per test class, in the run's store: the classes do not change between its tests. */
    private record LifecycleMethodsChecked(Class<?> testClass) {
    }

    /** A fault annotation on a {@code @BeforeEach} (or other lifecycle) method would do nothing: say so. */
    static void failOnFaultsOnLifecycleMethods(ExtensionContext context) {
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(
                new LifecycleMethodsChecked(context.getRequiredTestClass()), key -> {
                    checkLifecycleMethods(context);
                    return Boolean.TRUE;
                }, Boolean.class);
    }

    private static void checkLifecycleMethods(ExtensionContext context) {
        for (Class<?> type : ChaosLifecycle.classChain(context)) {
            for (Class<? extends java.lang.annotation.Annotation> lifecycle : List.of(BeforeEach.class, AfterEach.class,
                    BeforeAll.class, AfterAll.class)) {
                for (Method method : AnnotationSupport.findAnnotatedMethods(type, lifecycle, HierarchyTraversalMode.TOP_DOWN)) {
                    String fault = FaultAnnotations.firstOn(method);
                    if (fault != null) {
                        throw new ExtensionConfigurationException(fault + " has no effect: fault annotations apply to"
                                + " test methods and test classes, not to @" + lifecycle.getSimpleName() + " methods; move it"
                                + " to the class or the tests, or call proxy.inject(...) in the method");
                    }
                }
            }
        }
    }

    static void failOnFaultsWithoutProxy(ExtensionContext context) {
        if (programmaticRegistered(context)) {
            return;
        }
        List<AnnotatedElement> elements = new ArrayList<>();
        context.getTestMethod().ifPresent(elements::add);
        elements.addAll(ChaosLifecycle.classChain(context));
        for (AnnotatedElement element : elements) {
            String fault = FaultAnnotations.firstOn(element);
            if (fault != null) {
                throw new ExtensionConfigurationException(fault + " needs a chaos proxy, but "
                        + Elements.describe(context.getRequiredTestClass()) + " has no @WebSocketChaos (nor an enclosing "
                        + "class); annotate the class with @WebSocketChaos(upstream = \"ws://host:port/path\"), or register "
                        + "WebSocketChaosExtension.builder()...build() with @RegisterExtension");
            }
        }
    }

    /** Whether the test class or an enclosing one has a @RegisterExtension field of the builder form. */
    static boolean programmaticRegistered(ExtensionContext context) {
        return !registrations(context).isEmpty();
    }

    /** The @RegisterExtension fields of the builder form in the test class, its superclasses and enclosing classes. */
    private static List<Field> registrations(ExtensionContext context) {
        List<Field> fields = new ArrayList<>();
        for (Class<?> type : ChaosLifecycle.classChain(context)) {
            fields.addAll(AnnotationSupport.findAnnotatedFields(type, RegisterExtension.class,
                    field -> WebSocketChaosExtension.class.isAssignableFrom(field.getType()),
                    HierarchyTraversalMode.TOP_DOWN));
        }
        return fields;
    }

    /** Once per test class, in the run's store. */
    private record RegistrationsChecked(Class<?> testClass) {
    }

    /**
     * Two builder-form registrations for one test would both claim the same test and proxy (one proxy, the first's
     * settings, every fault armed twice, parameters claimed by both): refuse them, naming the fields.
     */
    static void failOnSeveralRegistrations(ExtensionContext context) {
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(new RegistrationsChecked(context.getRequiredTestClass()),
                key -> {
                    List<Field> fields = registrations(context);
                    if (fields.size() > 1) {
                        List<String> names = new ArrayList<>();
                        fields.forEach(field -> names.add(Elements.describe(field)));
                        throw new ExtensionConfigurationException(Elements.describe(context.getRequiredTestClass())
                                + " registers " + fields.size() + " WebSocketChaosExtension " + names + "; they would share"
                                + " one proxy: register exactly one per class (for a second upstream, start a second proxy"
                                + " in the test with ChaosProxy.builder().upstream(uri).start() and close it)");
                    }
                    return Boolean.TRUE;
                }, Boolean.class);
    }
}
