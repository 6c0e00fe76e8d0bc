package io.github.wschaos.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.junit.testing.Kit;
import io.github.wschaos.junit.testing.Ws;
import io.github.wschaos.record.ConnectionRecord;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Classes and methods running at the same time, each with its own faults: every test sees only its own faults and
 * its own connections. A barrier proves the tests really overlap (it times out unless all of them run at once).
 */
class ParallelIsolationTest {

    static final int CONCURRENT_TESTS = 6;
    static volatile CyclicBarrier together;
    static final Map<String, ChaosProxy> PROXIES = new ConcurrentHashMap<>();

    private static final Map<String, String> PARALLEL = Map.of(
            "junit.jupiter.execution.parallel.enabled", "true",
            "junit.jupiter.execution.parallel.mode.default", "concurrent",
            "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
            "junit.jupiter.execution.parallel.config.strategy", "fixed",
            "junit.jupiter.execution.parallel.config.fixed.parallelism", "16");

    @BeforeAll
    static void startEcho() {
        Echo.start();
    }

    @AfterAll
    static void stopEcho() {
        Echo.stop();
    }

    @RepeatedTest(3)
    void concurrentClassesAndMethodsNeverSeeEachOthersFaultsOrConnections() {
        together = new CyclicBarrier(CONCURRENT_TESTS);
        PROXIES.clear();
        Kit.passing(CONCURRENT_TESTS, Kit.run(PARALLEL, Rejects503.class, Rejects429.class, NoFaults.class, PerTestMethods.class));
        assertThat(Set.copyOf(PROXIES.values())).as("one proxy per class, one per PER_TEST method").hasSize(CONCURRENT_TESTS);
        assertThat(PROXIES.values()).noneMatch(ChaosProxy::isRunning);
    }

    @RepeatedTest(3)
    void classesSharingAStaticExtensionInTheirBaseClassEachGetTheirOwnProxyFromIt() {
        together = new CyclicBarrier(2);
        PROXIES.clear();
        Kit.passing(2, Kit.run(PARALLEL, SharedBaseRejects503.class, SharedBaseRejects418.class));
        assertThat(Set.copyOf(PROXIES.values())).as("one proxy per class").hasSize(2);
    }

    /** A base class whose static builder-form extension every subclass shares: one proxy per subclass. */
    abstract static class SharedBase {
        @RegisterExtension
        static WebSocketChaosExtension chaos = WebSocketChaosExtension.builder().upstream(() -> Echo.server.uri()).build();

        void seesOnly(String name, ChaosProxy injected, String expected) throws Exception {
            assertThat(chaos.proxy()).as("chaos.proxy() in %s", name).isSameAs(injected);
            handshakesSeeOnly(name, chaos.proxy(), chaos.proxy().uri(), expected);
            assertThat(chaos.proxy()).as("chaos.proxy() in %s, the other class's proxy started meanwhile", name).isSameAs(injected);
        }
    }

    static class SharedBaseRejects503 extends SharedBase {
        @Test
        @RespondWithStatus(503)
        void seesOnly503(ChaosProxy proxy) throws Exception {
            seesOnly("shared 503", proxy, "503");
        }
    }

    static class SharedBaseRejects418 extends SharedBase {
        @Test
        @RespondWithStatus(418)
        void seesOnly418(ChaosProxy proxy) throws Exception {
            seesOnly("shared 418", proxy, "418");
        }
    }

    /** Meets the other tests, makes three handshakes, meets them again, and checks it saw only its own. */
    static void handshakesSeeOnly(String name, ChaosProxy proxy, URI uri, String expected) throws Exception {
        PROXIES.put(name, proxy);
        together.await(30, TimeUnit.SECONDS);
        List<String> handshakes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            handshakes.add(Ws.handshake(uri));
        }
        together.await(30, TimeUnit.SECONDS); // everyone's connections are made before anyone checks
        assertThat(handshakes).as(name).containsOnly(expected);
        assertThat(proxy.recording().connections()).as(name).hasSize(3)
                .extracting(ConnectionRecord::status).containsOnly(Integer.parseInt(expected));
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    @RespondWithStatus(503)
    static class Rejects503 {
        @Test
        void seesOnly503(ChaosProxy proxy, @ChaosProxyUri URI uri) throws Exception {
            handshakesSeeOnly("503", proxy, uri, "503");
        }
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    static class Rejects429 {
        @Test
        @RespondWithStatus(429)
        void seesOnly429(ChaosProxy proxy, @ChaosProxyUri URI uri) throws Exception {
            handshakesSeeOnly("429", proxy, uri, "429");
        }
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    static class NoFaults {
        @Test
        void upgrades(ChaosProxy proxy, @ChaosProxyUri URI uri) throws Exception {
            handshakesSeeOnly("none", proxy, uri, "101");
        }
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM, lifecycle = WebSocketChaos.Lifecycle.PER_TEST)
    static class PerTestMethods {
        @Test
        @RespondWithStatus(500)
        void seesOnly500(ChaosProxy proxy, @ChaosProxyUri URI uri) throws Exception {
            handshakesSeeOnly("500", proxy, uri, "500");
        }

        @Test
        @RespondWithStatus(502)
        void seesOnly502(ChaosProxy proxy, @ChaosProxyUri URI uri) throws Exception {
            handshakesSeeOnly("502", proxy, uri, "502");
        }

        @Test
        @RespondWithStatus(504)
        void seesOnly504(ChaosProxy proxy, @ChaosProxyUri URI uri) throws Exception {
            handshakesSeeOnly("504", proxy, uri, "504");
        }
    }
}
