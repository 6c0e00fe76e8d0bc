package io.github.wschaos.junit.internal;

import io.github.wschaos.junit.ChaosUpstream;
import io.github.wschaos.junit.spi.UpstreamResolver;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Reads a {@link ChaosUpstream} field or method and turns its value into the upstream: a URI or String as it is, any
 * other value through the first {@link UpstreamResolver} (found with {@link ServiceLoader}) that supports it.
 */
final class UpstreamMember {

    private UpstreamMember() {
    }

    /**
     * The {@link ChaosUpstream} fields and methods of {@code type} and its superclasses, less those a subclass hides: a
     * static field or method of a subclass with the same name (and, for a method, the same parameter types) hides the
     * superclass's in Java, so the most derived declaration is the upstream and the hidden one is not a second.
     *
     * @throws ExtensionConfigurationException when one is in a Kotlin companion object without {@code @JvmStatic}
     */
    static List<Member> of(Class<?> type, String declaredOn) {
        failOnCompanionMembers(type, declaredOn);
        List<Member> members = new ArrayList<>();
        members.addAll(AnnotationSupport.findAnnotatedFields(type, ChaosUpstream.class));
        members.addAll(AnnotationSupport.findAnnotatedMethods(type, ChaosUpstream.class, HierarchyTraversalMode.TOP_DOWN));
        List<Member> all = List.copyOf(members);
        members.removeIf(member -> all.stream().anyMatch(other -> hides(other, member)));
        return members;
    }

    /**
     * A {@code @ChaosUpstream} function or property getter in a Kotlin {@code companion object} without
     * {@code @JvmStatic} is an instance member of the nested class {@code Companion}, which JUnit never looks at: say
     * so instead of "no upstream". The companion is a nested class whose name is that of a static field of its outer
     * class ({@code Companion} unless named); with {@code @JvmStatic}, Kotlin adds a static method to the outer class,
     * which is found as any other.
     */
    private static void failOnCompanionMembers(Class<?> type, String declaredOn) {
        for (Class<?> outer = type; outer != null && outer != Object.class; outer = outer.getSuperclass()) {
            for (Field holder : outer.getDeclaredFields()) {
                Class<?> companion = holder.getType();
                if (!Modifier.isStatic(holder.getModifiers()) || companion.getDeclaringClass() != outer
                        || !companion.getSimpleName().equals(holder.getName())) {
                    continue;
                }
                List<Member> candidates = new ArrayList<>(Arrays.asList(companion.getDeclaredMethods()));
                candidates.addAll(Arrays.asList(companion.getDeclaredFields()));
                for (Member member : candidates) {
                    if (((AnnotatedElement) member).isAnnotationPresent(ChaosUpstream.class)
                            && !Modifier.isStatic(member.getModifiers()) && !staticOn(outer, member)) {
                        throw new ExtensionConfigurationException("@ChaosUpstream "
                                + Elements.describe((AnnotatedElement) member) + " (for " + declaredOn + "): it is in a "
                                + "companion object, which JUnit does not see as static; add @JvmStatic so that JUnit "
                                + "sees it as static");
                    }
                }
            }
        }
    }

    /** Whether {@code outer} declares a static member with the name (and parameters) of {@code member}. */
    private static boolean staticOn(Class<?> outer, Member member) {
        try {
            Member onOuter = member instanceof Method method
                    ? outer.getDeclaredMethod(method.getName(), method.getParameterTypes())
                    : outer.getDeclaredField(member.getName());
            return Modifier.isStatic(onOuter.getModifiers());
        } catch (NoSuchMethodException | NoSuchFieldException e) {
            return false;
        }
    }

    /** Whether {@code hider}, declared in a subclass of {@code hidden}'s class, hides it. */
    private static boolean hides(Member hider, Member hidden) {
        Class<?> below = hider.getDeclaringClass();
        Class<?> above = hidden.getDeclaringClass();
        if (below == above || !above.isAssignableFrom(below)) {
            return false;
        }
        if (hider instanceof Field && hidden instanceof Field) {
            return hider.getName().equals(hidden.getName());
        }
        return hider instanceof Method lower && hidden instanceof Method upper && Modifier.isStatic(lower.getModifiers())
                && Modifier.isStatic(upper.getModifiers()) && lower.getName().equals(upper.getName())
                && Arrays.equals(lower.getParameterTypes(), upper.getParameterTypes());
    }

    /**
     * The upstream {@code member} names.
     *
     * @param declaredOn what declared the proxy, for messages
     * @throws ExtensionConfigurationException naming the member when it is not static, takes parameters, is null, or
     *         holds a value nothing resolves
     */
    static URI resolve(Member member, String declaredOn) {
        AnnotatedElement element = (AnnotatedElement) member;
        String where = "@ChaosUpstream " + Elements.describe(element) + " (for " + declaredOn + ")";
        ChaosUpstream annotation = element.getAnnotation(ChaosUpstream.class);
        Class<?> type = member instanceof Field field ? field.getType() : ((Method) member).getReturnType();
        boolean isStatic = Modifier.isStatic(member.getModifiers());
        boolean noArgs = !(member instanceof Method method) || method.getParameterCount() == 0;
        if (!isStatic || !noArgs || type == void.class) {
            throw new ExtensionConfigurationException(where + ": accepted is a static field or a static method without "
                    + "parameters, of type java.net.URI, String, or a type an UpstreamResolver resolves (with "
                    + "wschaos-testcontainers: a Testcontainers container); found " + (isStatic ? "static " : "non-static ")
                    + type.getSimpleName() + (noArgs ? "" : " with parameters"));
        }
        Object value = read(member, where);
        if (value instanceof URI || value instanceof String) {
            if (annotation.port() != 0 || !annotation.path().equals("/")) {
                throw new ExtensionConfigurationException(where + ": port = " + annotation.port() + ", path = \""
                        + annotation.path() + "\" apply only to a value an UpstreamResolver resolves (e.g. a container); "
                        + "a " + value.getClass().getSimpleName() + " carries its own port and path: write them into \""
                        + value + "\"");
            }
            return value instanceof URI uri ? uri : ProxyHolder.parse((String) value, where);
        }
        if (annotation.port() < 0 || annotation.port() > 65535) {
            throw new ExtensionConfigurationException(where + ": port = " + annotation.port()
                    + " is not a port; accepted are 1 to 65535, or 0 for the value's only port");
        }
        if (!annotation.path().startsWith("/")) {
            throw new ExtensionConfigurationException(where + ": path = \"" + annotation.path()
                    + "\" must start with /, e.g. \"/echo\"");
        }
        List<UpstreamResolver> resolvers = resolvers(member.getDeclaringClass().getClassLoader(), where);
        for (UpstreamResolver resolver : resolvers) {
            if (resolver.supports(value)) {
                URI uri;
                try {
                    uri = resolver.resolve(value, new UpstreamResolver.Request(Elements.describe(element),
                            member.getName(), annotation.port(), annotation.path()));
                } catch (RuntimeException e) {
                    throw new ExtensionConfigurationException(where + ": " + e.getMessage(), e);
                }
                if (uri == null) {
                    throw new ExtensionConfigurationException(where + ": " + resolver.getClass().getName()
                            + " resolved " + value + " to null");
                }
                return uri;
            }
        }
        throw new ExtensionConfigurationException(where + ": its value is a " + value.getClass().getName()
                + ", which no UpstreamResolver on the class path resolves (found: " + names(resolvers) + "); accepted are "
                + "java.net.URI, String, or a type a resolver supports (add wschaos-testcontainers for Testcontainers "
                + "containers)");
    }

    private static Object read(Member member, String where) {
        Object value;
        try {
            value = member instanceof Field field ? ReflectionSupport.tryToReadFieldValue(field, null).get()
                    : ReflectionSupport.invokeMethod((Method) member, null);
        } catch (Exception e) {
            throw new ExtensionConfigurationException(where + " threw " + e, e);
        }
        if (value == null) {
            throw new ExtensionConfigurationException(where + " is null when the proxy starts; "
                    + "give it a value in a static initializer or @BeforeAll, or call proxy.upstream(uri) at run time instead");
        }
        return value;
    }

    private static List<UpstreamResolver> resolvers(ClassLoader loader, String where) {
        List<UpstreamResolver> resolvers = new ArrayList<>();
        try {
            ServiceLoader.load(UpstreamResolver.class, loader).forEach(resolvers::add);
        } catch (ServiceConfigurationError e) {
            throw new ExtensionConfigurationException(where + ": an UpstreamResolver listed in META-INF/services "
                    + "cannot be loaded: " + e.getMessage(), e);
        }
        return resolvers;
    }

    private static String names(List<UpstreamResolver> resolvers) {
        List<String> names = new ArrayList<>();
        resolvers.forEach(r -> names.add(r.getClass().getName()));
        return names.isEmpty() ? "none" : String.join(", ", names);
    }
}
