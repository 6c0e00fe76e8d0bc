package io.github.wschaos.junit.internal;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.junit.WebSocketChaos;
import java.lang.reflect.Member;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * A started proxy kept in an extension store, closed with the store's context. Counts the tests running on it, so
 * that the reset between tests (faults disarmed, recording cleared) never pulls the rug from under a concurrent test.
 */
@SuppressWarnings("deprecation") // CloseableResource: what JUnit before 5.13 closes; later ones close AutoCloseable
public final class ProxyHolder implements ExtensionContext.Store.CloseableResource, AutoCloseable {

    /** The upstream of a proxy whose upstream is to be set at run time: nothing listens on port 1. */
    static final URI NOT_SET = URI.create("ws://127.0.0.1:1/");

    private final ChaosProxy proxy;
    private final String declaredOn;
    private final boolean upstreamDeclared;
    private int running;

    private ProxyHolder(ChaosProxy proxy, String declaredOn, boolean upstreamDeclared) {
        this.proxy = proxy;
        this.declaredOn = declaredOn;
        this.upstreamDeclared = upstreamDeclared;
    }

    /**
     * Resolves the upstream and starts the proxy.
     *
     * @param enclosing the classes enclosing {@code configClass}, nearest first, whose upstream it uses when it declares none
     * @throws ExtensionConfigurationException naming {@code declaredOn} when a setting is wrong
     */
    static ProxyHolder start(ChaosSettings settings, Class<?> configClass, List<Class<?>> enclosing, String declaredOn) {
        URI upstream = upstream(settings, configClass, enclosing, declaredOn);
        ChaosProxy proxy;
        try {
            ChaosProxy.Builder builder = ChaosProxy.builder().upstream(upstream).seed(settings.seed())
                    .timeScale(settings.timeScale()).port(settings.port());
            if (settings.tls()) {
                builder.tls();
            }
            settings.customizer().accept(builder);
            proxy = builder.start();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ExtensionConfigurationException(declaredOn + ": " + e.getMessage(), e);
        }
        return new ProxyHolder(proxy, declaredOn, upstream != NOT_SET);
    }

    /**
     * The upstream the class declares; when it declares none, that of the nearest enclosing class that declares one (a
     * {@code @Nested} class with a proxy of its own uses its enclosing class's upstream unless it names its own).
     */
    private static URI upstream(ChaosSettings settings, Class<?> configClass, List<Class<?>> enclosing, String declaredOn) {
        URI own = declared(settings.upstreamTemplate(), settings.upstreamSupplier(), configClass, declaredOn);
        if (own != null) {
            return own;
        }
        for (Class<?> outer : enclosing) {
            String template = AnnotationSupport.findAnnotation(outer, WebSocketChaos.class).map(WebSocketChaos::upstream)
                    .filter(uri -> !uri.isEmpty()).orElse(null);
            URI inherited = declared(template, null, outer, declaredOn + " (from its enclosing " + Elements.describe(outer) + ")");
            if (inherited != null) {
                return inherited;
            }
        }
        return NOT_SET;
    }

    /** The upstream {@code type} declares (a template, a supplier or a {@code @ChaosUpstream} member), or null. */
    private static URI declared(String template, Supplier<URI> supplier, Class<?> type, String declaredOn) {
        List<Member> members = UpstreamMember.of(type, declaredOn);
        boolean declared = template != null || supplier != null;
        if (members.size() > 1 || (declared && !members.isEmpty())) {
            List<String> all = new ArrayList<>();
            if (declared) {
                all.add(template != null ? "upstream = \"" + template + "\"" : "upstream(Supplier)");
            }
            members.forEach(member -> all.add("@ChaosUpstream " + Elements.describe((java.lang.reflect.AnnotatedElement) member)));
            throw new ExtensionConfigurationException(declaredOn + " has " + all.size() + " upstreams " + all
                    + "; declare exactly one");
        }
        if (template != null) {
            return parse(Placeholders.fromSystem().resolve(template, declaredOn), declaredOn);
        }
        if (supplier != null) {
            URI supplied = supplier.get();
            if (supplied == null) {
                throw new ExtensionConfigurationException(declaredOn + ": the upstream supplier returned null; "
                        + "return ws://host:port/path, or leave the upstream out and call proxy.upstream(uri) at run time");
            }
            return supplied;
        }
        if (!members.isEmpty()) {
            return UpstreamMember.resolve(members.get(0), declaredOn);
        }
        return null;
    }

    static URI parse(String uri, String where) {
        try {
            return new URI(uri);
        } catch (URISyntaxException e) {
            throw new ExtensionConfigurationException(where + ": upstream \"" + uri + "\" is not a URI (" + e.getMessage()
                    + "); accepted is ws://host[:port][/path] or wss://host[:port][/path]", e);
        }
    }

    /** The proxy. */
    public ChaosProxy proxy() {
        return proxy;
    }

    /** What declared the proxy, e.g. {@code @WebSocketChaos on class FooTest}. */
    String declaredOn() {
        return declaredOn;
    }

    /** Whether no upstream was declared and none has been set on the proxy yet. */
    boolean upstreamMissing() {
        return !upstreamDeclared && NOT_SET.equals(proxy.upstream());
    }

    /** A test starts: when it is alone on the proxy, faults left from before are disarmed and the recording cleared. */
    synchronized void testStarted() {
        if (running == 0) {
            proxy.disarmAll();
            proxy.recording().clear();
        }
        running++;
    }

    /** A test finished: when it was the last one on the proxy, every fault is disarmed. */
    synchronized void testFinished() {
        running--;
        if (running == 0) {
            proxy.disarmAll();
        }
    }

    /** Closes the proxy. Idempotent. */
    @Override
    public void close() {
        proxy.close();
    }
}
