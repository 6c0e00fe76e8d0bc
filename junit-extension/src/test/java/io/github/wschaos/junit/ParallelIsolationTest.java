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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import io.github.wschaos.fault.Faults;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

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
            together.await(30, TimeUnit.SECONDS); // both proxies run: from a thread of its own, which one is meant?
            Object fromThread = fromAnotherThread(chaos::proxy);
            together.await(30, TimeUnit.SECONDS);
            assertThat(fromThread).as("chaos.proxy() from a thread %s started, two classes running", name)
                    .isInstanceOf(IllegalStateException.class);
            assertThat(((Exception) fromThread).getMessage()).contains("cannot tell which");
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

    /** What {@code call} returns on a new thread, or what it throws. */
    static Object fromAnotherThread(java.util.concurrent.Callable<?> call) throws InterruptedException {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                result.set(call.call());
            } catch (Exception e) {
                result.set(e);
            }
        });
        thread.start();
        thread.join(10_000);
        return result.get();
    }

    static volatile CountDownLatch busyStarted;
    static volatile CountDownLatch lateTried;
    static final AtomicReference<Object> LATE_GOT = new AtomicReference<>();
    /** Whether SharedLate's {@code @BeforeAll} ran while SharedBusy's test had started (and had not ended). */
    static final AtomicBoolean OVERLAPPED = new AtomicBoolean();

    /**
     * A class's {@code @BeforeAll} asks the shared static extension for its proxy while another class's test runs: it
     * gets "not started yet" (its own proxy starts with its first test), never the other class's running proxy, on
     * which a fault it injected would hit the other class's test.
     */
    @RepeatedTest(2)
    void beforeAllOfOneClassNeverGetsTheProxyOfAnotherClassRunningMeanwhile() {
        busyStarted = new CountDownLatch(1);
        lateTried = new CountDownLatch(1);
        LATE_GOT.set(null);
        OVERLAPPED.set(false);
        Kit.passing(2, Kit.run(PARALLEL, SharedBusy.class, SharedLate.class));
        assertThat(OVERLAPPED).as("SharedLate's @BeforeAll ran while SharedBusy's test ran").isTrue();
        assertThat(LATE_GOT.get()).as("chaos.proxy() in SharedLate's @BeforeAll").isInstanceOf(IllegalStateException.class);
        assertThat(((Exception) LATE_GOT.get()).getMessage()).startsWith("The chaos proxy has not started yet");
    }

    /** Run one after the other, the second class's {@code @BeforeAll} does not get the first class's closed proxy. */
    @Test
    void beforeAllOfTheSecondClassDoesNotGetTheFirstClassesClosedProxy() {
        busyStarted = new CountDownLatch(1);
        lateTried = new CountDownLatch(0);
        LATE_GOT.set(null);
        Kit.passing(2, Kit.run(SharedBusy.class, SharedLate.class));
        assertThat(LATE_GOT.get()).as("chaos.proxy() in SharedLate's @BeforeAll").isInstanceOf(IllegalStateException.class);
        assertThat(((Exception) LATE_GOT.get()).getMessage()).startsWith("The chaos proxy has not started yet");
    }

    abstract static class SharedLateBase {
        @RegisterExtension
        static WebSocketChaosExtension chaos = WebSocketChaosExtension.builder().upstream(() -> Echo.server.uri()).build();
    }

    static class SharedBusy extends SharedLateBase {
        @Test
        void armsNothing(ChaosProxy proxy) throws Exception {
            // SharedLate waits in its @BeforeAll: this is the only proxy running
            assertThat(fromAnotherThread(chaos::proxy)).as("chaos.proxy() from a thread of the only running test")
                    .isSameAs(proxy);
            busyStarted.countDown();
            assertThat(lateTried.await(30, TimeUnit.SECONDS)).as("SharedLate's @BeforeAll ran").isTrue();
            assertThat(proxy.faults()).as("faults on SharedBusy's proxy, which armed none").isEmpty();
        }
    }

    static class SharedLate extends SharedLateBase {
        @BeforeAll
        static void armForTheClass() throws Exception {
            OVERLAPPED.set(busyStarted.await(30, TimeUnit.SECONDS));
            try {
                ChaosProxy proxy = chaos.proxy();
                LATE_GOT.set(proxy);
                proxy.inject(Faults.respondWithStatus(503));
            } catch (IllegalStateException e) {
                LATE_GOT.compareAndSet(null, e);
            } finally {
                lateTried.countDown();
            }
        }

        @Test
        void test(ChaosProxy proxy) {
            assertThat(chaos.proxy()).isSameAs(proxy);
        }
    }

    static volatile CountDownLatch innerArmed;
    static volatile CountDownLatch outerChecked;

    /**
     * A {@code @Nested} class shares its enclosing class's proxy unless it has a {@code @WebSocketChaos} of its own; run
     * concurrently with the enclosing class's tests, the README's advice is to give it its own: then a fault its test
     * arms stays off the enclosing class's proxy while both run.
     */
    @RepeatedTest(2)
    void nestedClassWithAProxyOfItsOwnRunsConcurrentlyWithItsEnclosingClassWithoutCrossTalk() {
        innerArmed = new CountDownLatch(1);
        outerChecked = new CountDownLatch(1);
        Kit.passing(2, Kit.run(PARALLEL, NestedWithOwnProxy.class));
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    static class NestedWithOwnProxy {
        @Test
        void outer(ChaosProxy proxy) throws Exception {
            assertThat(innerArmed.await(30, TimeUnit.SECONDS)).as("the nested test runs meanwhile").isTrue();
            try {
                assertThat(proxy.faults()).as("the enclosing class's proxy while the nested test runs").isEmpty();
            } finally {
                outerChecked.countDown();
            }
        }

        @Nested
        @WebSocketChaos
        class Inner {
            @Test
            @RespondWithStatus(503)
            void inner(ChaosProxy proxy) throws Exception {
                assertThat(proxy.faults()).hasSize(1);
                innerArmed.countDown();
                assertThat(outerChecked.await(30, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    static final java.util.concurrent.atomic.AtomicInteger RUNNING = new java.util.concurrent.atomic.AtomicInteger();
    static final java.util.concurrent.atomic.AtomicInteger MOST_RUNNING = new java.util.concurrent.atomic.AtomicInteger();

    /** The README's other advice: {@code @Execution(SAME_THREAD)} on the enclosing class runs its tree one test at a time. */
    @Test
    void sameThreadOnTheEnclosingClassRunsItsNestedClassesOneTestAtATime() {
        RUNNING.set(0);
        MOST_RUNNING.set(0);
        Kit.passing(3, Kit.run(PARALLEL, SharedWithNestedSameThread.class));
        assertThat(MOST_RUNNING.get()).as("tests of the class and its nested class running at once").isEqualTo(1);
    }

    static void alone(ChaosProxy proxy, int faults) throws InterruptedException {
        MOST_RUNNING.accumulateAndGet(RUNNING.incrementAndGet(), Math::max);
        try {
            // Held for 300 ms, long enough for a test running alongside to show (the caller asserts on MOST_RUNNING).
            org.awaitility.Awaitility.await().during(java.time.Duration.ofMillis(300))
                    .atMost(java.time.Duration.ofSeconds(5)).until(() -> proxy.isRunning());
            assertThat(proxy.faults()).hasSize(faults);
        } finally {
            RUNNING.decrementAndGet();
        }
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    @Execution(ExecutionMode.SAME_THREAD)
    static class SharedWithNestedSameThread {
        @Test
        void outer(ChaosProxy proxy) throws Exception {
            alone(proxy, 0);
        }

        @Test
        void outer2(ChaosProxy proxy) throws Exception {
            alone(proxy, 0);
        }

        @Nested
        class Inner {
            @Test
            @RespondWithStatus(503)
            void inner(ChaosProxy proxy) throws Exception {
                alone(proxy, 1);
            }
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
