package io.github.wschaos.junit.internal;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.junit.ChaosProxyUri;
import io.github.wschaos.junit.WebSocketChaos;
import io.github.wschaos.junit.WebSocketChaos.Lifecycle;
import io.github.wschaos.junit.WebSocketChaosExtension;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.TestAbortedException;

/**
 * What {@link WebSocketChaosExtension} does, behind its public callbacks. All state lives in the extension store
 * (one namespace, keys made of unique ids), so one extension instance serves classes and methods running in parallel.
 *
 * <p>Who owns the proxy: with {@link WebSocketChaos} the nearest class context (the test class, then its enclosing
 * classes) whose class carries the annotation, or the test's own context for {@link Lifecycle#PER_TEST}; with the
 * builder form in a static field, the outermost class context it was registered in; in an instance field, the test.
 */
public final class ChaosLifecycle {

    private static final Namespace NAMESPACE = Namespace.create(WebSocketChaosExtension.class);

    private final ChaosSettings programmatic;
    /**
     * The context whose test code (a lifecycle method, a test, a constructor) runs on each thread, for {@link #proxy()}:
     * classes may run in parallel, and share this instance when it is in a static field of their base class. Set for
     * the duration of each invocation and restored after it.
     */
    private final ThreadLocal<ExtensionContext> scope = new ThreadLocal<>();
    /** The proxies this instance started and what declared them, for {@link #proxy()} from a thread of the test's own. */
    private final Map<ChaosProxy, String> started = new ConcurrentHashMap<>();

    /**
     * @param programmatic the builder's settings, or null for the instance JUnit creates from the annotations
     */
    public ChaosLifecycle(ChaosSettings programmatic) {
        this.programmatic = programmatic;
    }

    /** Where the proxy lives and how it is configured. */
    private record Owner(ExtensionContext context, ChaosSettings settings, Class<?> configClass, String declaredOn) {
    }

    private record HolderKey(String uniqueId) {
    }

    private record TestKey(String uniqueId) {
    }

    private record ClassOwnerKey(ChaosLifecycle lifecycle) {
    }

    /** Wraps the owning context: a context is AutoCloseable, and a store closes the AutoCloseable values it holds. */
    private record ClassOwner(ExtensionContext context) {
    }

    /**
     * The proxy of the class or test whose code runs on the calling thread (a test, a lifecycle method, a constructor):
     * null when that proxy has not started yet. From a thread no test code runs on (one a test started), the one proxy
     * of this instance that is running, null when none is.
     *
     * @throws IllegalStateException from such a thread while several are running (classes running in parallel), or
     *         when the calling class can have no proxy of its own (one per test, asked for outside a test)
     */
    public ChaosProxy proxy() {
        ExtensionContext at = scope.get();
        if (at != null) {
            return proxyOf(at);
        }
        started.keySet().removeIf(proxy -> !proxy.isRunning());
        List<Map.Entry<ChaosProxy, String>> running = List.copyOf(started.entrySet());
        if (running.size() > 1) {
            List<String> owners = new ArrayList<>();
            running.forEach(entry -> owners.add(entry.getValue() + " (" + entry.getKey().uri() + ")"));
            throw new IllegalStateException("chaos.proxy() was called on thread \"" + Thread.currentThread().getName()
                    + "\", which runs no test, while " + running.size() + " proxies of this extension are running "
                    + owners + ", so it cannot tell which one is meant; call it in the test or a lifecycle method (or "
                    + "take a ChaosProxy parameter) and hand the proxy to the thread");
        }
        return running.isEmpty() ? null : running.get(0).getKey();
    }

    /** The proxy of the test or class {@code at} runs code of, null when it has not started (or is closed). */
    private ChaosProxy proxyOf(ExtensionContext at) {
        for (ExtensionContext test = at; test != null; test = test.getParent().orElse(null)) {
            TestFaults faults = test.getStore(NAMESPACE).get(new TestKey(test.getUniqueId()), TestFaults.class);
            if (faults != null) {
                return faults.holder().proxy();
            }
        }
        Owner owner;
        try {
            owner = owner(at, () -> "chaos.proxy() in " + at.getElement().map(Elements::describe).orElse(at.getDisplayName()));
        } catch (ExtensionConfigurationException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        if (owner == null) {
            return null;
        }
        ProxyHolder holder = owner.context().getStore(NAMESPACE).get(new HolderKey(owner.context().getUniqueId()),
                ProxyHolder.class);
        return holder == null || !holder.proxy().isRunning() ? null : holder.proxy();
    }

    /**
     * Runs test code ({@code invocation}: a test, a lifecycle method, a constructor) with {@code context} as the calling
     * thread's scope, so that {@link #proxy()} answers for that class or test.
     */
    public <T> T inScope(InvocationInterceptor.Invocation<T> invocation, ExtensionContext context) throws Throwable {
        if (programmatic == null) {
            return invocation.proceed(); // the annotation's instance: no one can call its proxy()
        }
        ExtensionContext outer = scope.get();
        scope.set(context);
        try {
            return invocation.proceed();
        } finally {
            if (outer == null) {
                scope.remove();
            } else {
                scope.set(outer);
            }
        }
    }

    /** Builder form in a static field: claims the outermost class as the proxy's owner. */
    public void beforeAll(ExtensionContext context) {
        if (programmatic != null) {
            owner(context, () -> Elements.describe(context.getRequiredTestClass()));
        }
    }

    /** Starts the proxy if needed, resets it for this test and arms the test's fault annotations. */
    public void beforeEach(ExtensionContext context) {
        Owner owner = owner(context, () -> "test " + context.getDisplayName());
        if (owner == null) {
            UsageChecks.failOnFaultsWithoutProxy(context);
            return;
        }
        UsageChecks.failOnFaultsOnLifecycleMethods(context);
        List<FaultAnnotations.Declared> declared = declaredFaults(context);
        TestFaults test = new TestFaults(holder(owner));
        context.getStore(NAMESPACE).put(new TestKey(context.getUniqueId()), test);
        declared.forEach(test::arm);
    }

    /** Fails the test when no upstream was ever given, before its body runs. */
    public void beforeTestExecution(ExtensionContext context) {
        TestFaults test = context.getStore(NAMESPACE).get(new TestKey(context.getUniqueId()), TestFaults.class);
        if (test != null && test.holder().upstreamMissing()) {
            throw new ExtensionConfigurationException("No upstream for the proxy of " + test.holder().declaredOn()
                    + ": none was declared and none was set before " + context.getDisplayName() + " ran. Accepted are "
                    + "upstream = \"ws://host:port/path\" (with ${name} or ${name:default} from system properties or the "
                    + "environment), a static field or static no-argument method annotated @ChaosUpstream holding a URI, "
                    + "a String or a container (with wschaos-testcontainers), or proxy.upstream(uri) in a @BeforeAll or "
                    + "@BeforeEach method");
        }
    }

    /**
     * Publishes the timeline when the test failed (not when it was aborted: a failed assumption throws too), then
     * disarms its faults and releases the proxy.
     */
    public void afterEach(ExtensionContext context) {
        TestFaults test = context.getStore(NAMESPACE).remove(new TestKey(context.getUniqueId()), TestFaults.class);
        if (test == null) {
            return;
        }
        try {
            if (failed(context)) {
                TimelineReport.publish(context, test.holder(), test.armed(), null);
            }
        } finally {
            test.close();
        }
    }

    /**
     * Runs one dynamic test of a {@code @TestFactory} and publishes the timeline when it failed. The factory is the test
     * the extension resets and arms for (its dynamic tests share that), so the timeline holds the connections of the
     * factory's dynamic tests so far, attempts counted across them.
     */
    public void dynamicTest(InvocationInterceptor.Invocation<Void> invocation, ExtensionContext context) throws Throwable {
        try {
            inScope(invocation, context);
        } catch (Throwable thrown) {
            TestFaults test = thrown instanceof TestAbortedException ? null : factoryOf(context);
            if (test != null) {
                try {
                    TimelineReport.publish(context, test.holder(), test.armed(), "the dynamic tests of its "
                            + "@TestFactory share one reset: attempts count from the first of them");
                } catch (RuntimeException e) {
                    thrown.addSuppressed(e);
                }
            }
            throw thrown;
        }
    }

    /** The hold of the {@code @TestFactory} method (the nearest enclosing test) a dynamic test runs in, or null. */
    private static TestFaults factoryOf(ExtensionContext dynamicTest) {
        for (ExtensionContext at = dynamicTest.getParent().orElse(null); at != null; at = at.getParent().orElse(null)) {
            TestFaults test = at.getStore(NAMESPACE).get(new TestKey(at.getUniqueId()), TestFaults.class);
            if (test != null) {
                return test;
            }
        }
        return null;
    }

    /** Whether the test threw something other than an aborted assumption ({@link TestAbortedException}). */
    private static boolean failed(ExtensionContext context) {
        return context.getExecutionException().filter(thrown -> !(thrown instanceof TestAbortedException)).isPresent();
    }

    /** Claims {@code ChaosProxy} parameters and {@code @ChaosProxyUri} ones; rejects the latter on other types. */
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext context) {
        Parameter parameter = parameterContext.getParameter();
        boolean uri = parameterContext.isAnnotated(ChaosProxyUri.class);
        if (parameter.getType() != ChaosProxy.class && !uri) {
            return false;
        }
        if (uri && parameter.getType() != URI.class && parameter.getType() != String.class) {
            throw new ParameterResolutionException("@ChaosProxyUri on " + Elements.describe(parameter, parameterContext.getIndex())
                    + ": accepted types are java.net.URI and String, not " + parameter.getType().getName());
        }
        Owner owner = ownerFor(parameterContext, context);
        if (owner == null) {
            if (UsageChecks.programmaticRegistered(context)) {
                return false; // the registered builder-form instance answers
            }
            throw new ParameterResolutionException(Elements.describe(parameter, parameterContext.getIndex()) + " asks for the chaos proxy, but "
                    + Elements.describe(context.getRequiredTestClass()) + " has no @WebSocketChaos (nor an enclosing class);"
                    + " annotate it, or register WebSocketChaosExtension.builder()...build() with @RegisterExtension");
        }
        return true;
    }

    /** The proxy, or its client URI. */
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
        Parameter parameter = parameterContext.getParameter();
        ChaosProxy proxy = holder(ownerFor(parameterContext, context)).proxy();
        Optional<ChaosProxyUri> uri = parameterContext.findAnnotation(ChaosProxyUri.class);
        if (uri.isEmpty()) {
            return proxy;
        }
        URI address;
        try {
            address = uri.get().value().isEmpty() ? proxy.uri() : proxy.uri(uri.get().value());
        } catch (IllegalArgumentException e) {
            throw new ParameterResolutionException("@ChaosProxyUri(\"" + uri.get().value() + "\") on "
                    + Elements.describe(parameter, parameterContext.getIndex()) + ": " + e.getMessage(), e);
        }
        return parameter.getType() == String.class ? address.toString() : address;
    }

    private Owner ownerFor(ParameterContext parameterContext, ExtensionContext context) {
        Parameter parameter = parameterContext.getParameter();
        try {
            return owner(context, () -> Elements.describe(parameter, parameterContext.getIndex()));
        } catch (ExtensionConfigurationException e) {
            throw new ParameterResolutionException(e.getMessage(), e);
        }
    }

    private Owner owner(ExtensionContext context, Supplier<String> requester) {
        Optional<ExtensionContext> annotated = annotatedClassContext(context);
        if (programmatic == null) {
            if (annotated.isEmpty()) {
                return null;
            }
            Class<?> configClass = annotated.get().getRequiredTestClass();
            WebSocketChaos annotation = annotationOf(configClass);
            ChaosSettings settings = ChaosSettings.of(annotation);
            String declaredOn = "@WebSocketChaos on " + Elements.describe(configClass);
            if (settings.lifecycle() == Lifecycle.PER_TEST) {
                return new Owner(testContext(context, declaredOn + " has lifecycle = PER_TEST", requester), settings,
                        configClass, declaredOn);
            }
            return new Owner(annotated.get(), settings, configClass, declaredOn);
        }
        UsageChecks.failOnSeveralRegistrations(context);
        if (annotated.isPresent()) {
            throw new ExtensionConfigurationException("WebSocketChaosExtension is registered with @RegisterExtension for "
                    + Elements.describe(context.getRequiredTestClass()) + " and @WebSocketChaos is on "
                    + Elements.describe(annotated.get().getRequiredTestClass()) + "; use one of them");
        }
        ClassOwnerKey key = new ClassOwnerKey(this);
        ClassOwner marked = context.getStore(NAMESPACE).get(key, ClassOwner.class);
        ExtensionContext classOwner = marked == null ? null : marked.context();
        if (classOwner == null && isClassContext(context)) {
            context.getStore(NAMESPACE).put(key, new ClassOwner(context));
            classOwner = context;
        }
        if (classOwner != null) {
            Class<?> configClass = classOwner.getRequiredTestClass();
            return new Owner(classOwner, programmatic, configClass,
                    "WebSocketChaosExtension registered in " + Elements.describe(configClass));
        }
        Class<?> testClass = context.getRequiredTestClass();
        String declaredOn = "WebSocketChaosExtension registered in an instance field of " + Elements.describe(testClass);
        return new Owner(testContext(context, declaredOn, requester), programmatic, testClass, declaredOn);
    }

    private static ExtensionContext testContext(ExtensionContext context, String why, Supplier<String> requester) {
        if (context.getElement().orElse(null) instanceof Method) {
            return context;
        }
        throw new ExtensionConfigurationException(why + ": one proxy per test, so " + requester.get()
                + " (outside a test) cannot receive it; receive it in test methods, @BeforeEach or @AfterEach methods,"
                + " or use lifecycle = PER_CLASS (a static @RegisterExtension field) for one proxy per class");
    }

    private static boolean isClassContext(ExtensionContext context) {
        return context.getElement().orElse(null) instanceof Class<?>;
    }

    /**
     * The class's {@link WebSocketChaos}, found as JUnit finds it (on the class, through an annotation on it, then on its
     * superclasses).
     *
     * @throws ExtensionConfigurationException when the first class that has one has more than one: directly and through
     *         a composed annotation, or through two composed annotations (JUnit would take one and ignore the others)
     */
    private static WebSocketChaos annotationOf(Class<?> configClass) {
        for (Class<?> type = configClass; type != null && type != Object.class; type = type.getSuperclass()) {
            List<String> found = new ArrayList<>();
            if (type.getDeclaredAnnotation(WebSocketChaos.class) != null) {
                found.add("@WebSocketChaos on " + Elements.describe(type));
            }
            for (java.lang.annotation.Annotation declared : type.getDeclaredAnnotations()) {
                if (declared.annotationType() != WebSocketChaos.class
                        && AnnotationSupport.isAnnotated(declared.annotationType(), WebSocketChaos.class)) {
                    found.add("@WebSocketChaos through @" + declared.annotationType().getSimpleName() + " on "
                            + Elements.describe(type));
                }
            }
            if (found.size() > 1) {
                throw new ExtensionConfigurationException(Elements.describe(configClass) + " has " + found.size()
                        + " @WebSocketChaos " + found + "; declare exactly one, directly or through one composed annotation");
            }
            if (!found.isEmpty()) {
                break;
            }
        }
        return AnnotationSupport.findAnnotation(configClass, WebSocketChaos.class).orElseThrow();
    }

    /** The nearest context, from this one outwards, whose class carries @WebSocketChaos. */
    private static Optional<ExtensionContext> annotatedClassContext(ExtensionContext context) {
        return classContexts(context).stream()
                .filter(at -> AnnotationSupport.isAnnotated(at.getRequiredTestClass(), WebSocketChaos.class))
                .findFirst();
    }

    /**
     * The class contexts from this one outwards, one per class: a {@code @ParameterizedClass} (a class template) runs
     * its class in a context per invocation inside one for the template, both of that class, and the template's is the
     * class's, so that its {@code @BeforeAll} and {@code @AfterAll} methods and all its invocations share one proxy, as
     * they share one static state.
     */
    private static List<ExtensionContext> classContexts(ExtensionContext context) {
        List<ExtensionContext> classes = new ArrayList<>();
        for (ExtensionContext at = context; at != null; at = at.getParent().orElse(null)) {
            if (at.getElement().orElse(null) instanceof Class<?> type) {
                int last = classes.size() - 1;
                if (last >= 0 && classes.get(last).getRequiredTestClass() == type) {
                    classes.set(last, at);
                } else {
                    classes.add(at);
                }
            }
        }
        return classes;
    }

    /** The classes enclosing {@code configClass} (a {@code @Nested} class's outer classes), nearest first. */
    private static List<Class<?>> enclosingClasses(ExtensionContext context, Class<?> configClass) {
        List<Class<?>> classes = classChain(context);
        Collections.reverse(classes);
        return List.copyOf(classes.subList(classes.indexOf(configClass) + 1, classes.size()));
    }

    /** The classes from the outermost enclosing one to the test's own. */
    static List<Class<?>> classChain(ExtensionContext context) {
        List<Class<?>> chain = new ArrayList<>();
        classContexts(context).forEach(at -> chain.add(at.getRequiredTestClass()));
        Collections.reverse(chain);
        return chain;
    }

    /**
     * The fault annotations of every class from the outermost enclosing one to the test's own (a {@code @Nested} class
     * with a proxy of its own gets its enclosing classes' faults too), then the test method's.
     */
    private static List<FaultAnnotations.Declared> declaredFaults(ExtensionContext context) {
        List<FaultAnnotations.Declared> declared = new ArrayList<>();
        for (Class<?> type : classChain(context)) {
            declared.addAll(FaultAnnotations.on(type));
        }
        context.getTestMethod().ifPresent(method -> declared.addAll(FaultAnnotations.on(method)));
        return declared;
    }

    private ProxyHolder holder(Owner owner) {
        return owner.context().getStore(NAMESPACE).getOrComputeIfAbsent(new HolderKey(owner.context().getUniqueId()),
                key -> {
                    ProxyHolder holder = ProxyHolder.start(owner.settings(), owner.configClass(),
                            enclosingClasses(owner.context(), owner.configClass()), owner.declaredOn());
                    started.keySet().removeIf(proxy -> !proxy.isRunning()); // keeps no closed proxy (and recording) alive
                    started.put(holder.proxy(), Elements.describe(owner.context().getRequiredTestClass()));
                    return holder;
                }, ProxyHolder.class);
    }
}
