package io.github.wschaos.junit.internal;

import io.github.wschaos.ChaosProxy;
import java.lang.reflect.Member;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

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
     * @throws ExtensionConfigurationException naming {@code declaredOn} when a setting is wrong
     */
    static ProxyHolder start(ChaosSettings settings, Class<?> configClass, String declaredOn) {
        URI upstream = upstream(settings, configClass, declaredOn);
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

    private static URI upstream(ChaosSettings settings, Class<?> configClass, String declaredOn) {
        List<Member> members = UpstreamMember.of(configClass);
        boolean declared = settings.upstreamTemplate() != null || settings.upstreamSupplier() != null;
        if (members.size() > 1 || (declared && !members.isEmpty())) {
            List<String> all = new ArrayList<>();
            if (declared) {
                all.add(settings.upstreamTemplate() != null ? "upstream = \"" + settings.upstreamTemplate() + "\"" : "upstream(Supplier)");
            }
            members.forEach(member -> all.add("@ChaosUpstream " + Elements.describe((java.lang.reflect.AnnotatedElement) member)));
            throw new ExtensionConfigurationException(declaredOn + " has " + all.size() + " upstreams " + all
                    + "; declare exactly one");
        }
        if (settings.upstreamTemplate() != null) {
            return parse(Placeholders.fromSystem().resolve(settings.upstreamTemplate(), declaredOn), declaredOn);
        }
        if (settings.upstreamSupplier() != null) {
            URI supplied = settings.upstreamSupplier().get();
            if (supplied == null) {
                throw new ExtensionConfigurationException(declaredOn + ": the upstream supplier returned null; "
                        + "return ws://host:port/path, or leave the upstream out and call proxy.upstream(uri) at run time");
            }
            return supplied;
        }
        if (!members.isEmpty()) {
            return UpstreamMember.resolve(members.get(0), declaredOn);
        }
        return NOT_SET;
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
