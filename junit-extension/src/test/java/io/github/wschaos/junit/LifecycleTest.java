package io.github.wschaos.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.fault.Target;
import io.github.wschaos.junit.testing.Kit;
import io.github.wschaos.junit.testing.Ws;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** Lifecycle, injection, upstream forms and the reset between tests, run through the engine test kit. */
class LifecycleTest {

    static final List<ChaosProxy> SEEN = new CopyOnWriteArrayList<>();
    static final Map<String, ChaosProxy> NAMED = new ConcurrentHashMap<>();

    @BeforeAll
    static void startEcho() {
        Echo.start();
    }

    @AfterAll
    static void stopEcho() {
        Echo.stop();
    }

    @BeforeEach
    void forget() {
        SEEN.clear();
    }

    @Test
    void oneProxyReachesConstructorsLifecycleMethodsAndTestsAndClosesWithTheClass() {
        Kit.runPassing(2, Injection.class);

        // constructor x2, @BeforeAll, @BeforeEach x2, test x2, @AfterEach x2, @AfterAll
        assertThat(SEEN).hasSize(10);
        assertThat(Set.copyOf(SEEN)).hasSize(1);
        assertThat(SEEN.get(0).isRunning()).as("closed with the class").isFalse();
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    static class Injection {

        Injection(ChaosProxy proxy) {
            SEEN.add(proxy);
        }

        @BeforeAll
        static void beforeAll(ChaosProxy proxy) {
            SEEN.add(proxy);
        }

        @BeforeEach
        void beforeEach(ChaosProxy proxy) {
            SEEN.add(proxy);
        }

        @Test
        void relaysAndInjectsTheClientUri(ChaosProxy proxy, @ChaosProxyUri URI uri, @ChaosProxyUri String text,
                @ChaosProxyUri("/echo/room?x=1") URI room) throws Exception {
            SEEN.add(proxy);
            assertThat(proxy.isRunning()).isTrue();
            assertThat(uri).isEqualTo(proxy.uri());
            assertThat(text).isEqualTo(uri.toString()).startsWith("ws://127.0.0.1:").endsWith("/echo");
            assertThat(room.getRawPath() + "?" + room.getRawQuery()).isEqualTo("/echo/room?x=1");
            assertThat(Ws.echo(uri, "hello")).isEqualTo("hello");
            assertThat(proxy.recording().attempts()).isEqualTo(1);
        }

        @Test
        void startsEveryTestWithAnEmptyRecording(ChaosProxy proxy, @ChaosProxyUri URI uri) throws Exception {
            SEEN.add(proxy);
            assertThat(proxy.recording().attempts()).isZero();
            assertThat(Ws.echo(uri, "again")).isEqualTo("again");
        }

        @AfterEach
        void afterEach(ChaosProxy proxy) {
            SEEN.add(proxy);
        }

        @AfterAll
        static void afterAll(ChaosProxy proxy) {
            SEEN.add(proxy);
        }
    }

    @Test
    void faultsAndRecordingAreResetBetweenTests() {
        Kit.runPassing(2, Reset.class);
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class Reset {

        @Test
        @Order(1)
        @RespondWithStatus(503)
        void armsItsAnnotationAndInjectsOneMore(ChaosProxy proxy, @ChaosProxyUri URI uri) {
            proxy.inject(Faults.refuseConnections(), Target.next(5));
            assertThat(proxy.faults()).hasSize(2);
            assertThat(Ws.handshake(uri)).startsWith("failed");
        }

        @Test
        @Order(2)
        void seesNoneOfThem(ChaosProxy proxy, @ChaosProxyUri URI uri) {
            assertThat(proxy.faults()).isEmpty();
            assertThat(proxy.recording().attempts()).isZero();
            assertThat(Ws.handshake(uri)).isEqualTo("101");
        }
    }

    @Test
    void classFaultsHitEveryTestAndMethodFaultsOnlyTheirs() {
        Kit.runPassing(2, ClassAndMethodFaults.class);
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    @RespondWithStatus(value = 503, attempts = "1")
    static class ClassAndMethodFaults {

        @Test
        void classFaultOnly(@ChaosProxyUri URI uri) {
            assertThat(List.of(Ws.handshake(uri), Ws.handshake(uri))).containsExactly("503", "101");
        }

        @Test
        @RespondWithStatus(value = 429, attempts = "2")
        @RespondWithStatus(value = 502, attempts = "3")
        void classAndMethodFaults(@ChaosProxyUri URI uri) {
            assertThat(List.of(Ws.handshake(uri), Ws.handshake(uri), Ws.handshake(uri), Ws.handshake(uri)))
                    .containsExactly("503", "429", "502", "101");
        }
    }

    @Test
    void upstreamFromPlaceholderDefaultsStaticMembersAndRunTime() {
        Kit.runPassing(4, PlaceholderDefault.class, StaticMethod.class, StaticField.class, SetAtRunTime.class);
    }

    @WebSocketChaos(upstream = "ws://${wschaos.test.no.such.host:127.0.0.1}:${wschaos.test.echo.port}/echo")
    static class PlaceholderDefault {
        @Test
        void relays(@ChaosProxyUri URI uri) throws Exception {
            assertThat(Ws.echo(uri, "placeholder")).isEqualTo("placeholder");
        }
    }

    @WebSocketChaos
    static class StaticMethod {
        @ChaosUpstream
        static URI upstream() {
            return Echo.server.uri();
        }

        @Test
        void relays(ChaosProxy proxy) throws Exception {
            assertThat(proxy.upstream()).isEqualTo(Echo.server.uri());
            assertThat(Ws.echo(proxy.uri(), "method")).isEqualTo("method");
        }
    }

    @WebSocketChaos
    static class StaticField {
        @ChaosUpstream
        static String upstream = Echo.server.uri().toString();

        @Test
        void relays(@ChaosProxyUri URI uri) throws Exception {
            assertThat(Ws.echo(uri, "field")).isEqualTo("field");
        }
    }

    @WebSocketChaos
    static class SetAtRunTime {
        @BeforeAll
        static void pointAtTheServer(ChaosProxy proxy) {
            proxy.upstream(Echo.server.uri());
        }

        @Test
        void relays(ChaosProxy proxy) throws Exception {
            assertThat(Ws.echo(proxy.uri(), "later")).isEqualTo("later");
        }
    }

    @Test
    void aParameterizedClassHasOneProxyForItsLifecycleMethodsAndAllItsInvocations() {
        Kit.runPassing(4, ParameterizedClassSetAtRunTime.class);

        // @BeforeAll, 2 tests in each of 2 invocations, @AfterAll: one proxy, as for one class
        assertThat(SEEN).hasSize(6);
        assertThat(Set.copyOf(SEEN)).hasSize(1);
        assertThat(SEEN.get(0).isRunning()).as("closed after the last invocation").isFalse();
    }

    @ParameterizedClass
    @ValueSource(strings = {"first", "second"})
    @WebSocketChaos
    @RespondWithStatus(value = 503, attempts = "2")
    static class ParameterizedClassSetAtRunTime {

        @Parameter
        String text;

        @BeforeAll
        static void pointAtTheServer(ChaosProxy proxy) {
            SEEN.add(proxy);
            proxy.upstream(Echo.server.uri());
        }

        @Test
        void relaysAndStartsEmpty(ChaosProxy proxy) throws Exception {
            SEEN.add(proxy);
            assertThat(proxy.recording().attempts()).isZero();
            assertThat(Ws.echo(proxy.uri(), text)).isEqualTo(text);
        }

        @Test
        void armsTheClassFaultInEveryInvocation(ChaosProxy proxy) throws Exception {
            SEEN.add(proxy);
            assertThat(Ws.echo(proxy.uri(), text)).isEqualTo(text);
            assertThat(Ws.handshake(proxy.uri())).isEqualTo("503");
            assertThat(Ws.echo(proxy.uri(), text)).isEqualTo(text);
        }

        @AfterAll
        static void afterAll(ChaosProxy proxy) {
            SEEN.add(proxy);
        }
    }

    @Test
    void aSubclassHidesItsBaseClassUpstreamWithAStaticMemberOfTheSameName() {
        Kit.runPassing(2, HidingMethod.class, HidingField.class);
    }

    @WebSocketChaos
    abstract static class MethodBase {
        @ChaosUpstream
        static URI upstream() {
            return URI.create("ws://127.0.0.1:1/base");
        }
    }

    static class HidingMethod extends MethodBase {
        @ChaosUpstream
        static URI upstream() {
            return Echo.server.uri();
        }

        @Test
        void relaysToTheSubclassUpstream(ChaosProxy proxy) throws Exception {
            assertThat(proxy.upstream()).isEqualTo(Echo.server.uri());
            assertThat(Ws.echo(proxy.uri(), "hidden method")).isEqualTo("hidden method");
        }
    }

    @WebSocketChaos
    abstract static class FieldBase {
        @ChaosUpstream
        static URI upstream = URI.create("ws://127.0.0.1:1/base");
    }

    static class HidingField extends FieldBase {
        @ChaosUpstream
        static URI upstream = Echo.server.uri();

        @Test
        void relaysToTheSubclassUpstream(ChaosProxy proxy) throws Exception {
            assertThat(proxy.upstream()).isEqualTo(Echo.server.uri());
            assertThat(Ws.echo(proxy.uri(), "hidden field")).isEqualTo("hidden field");
        }
    }

    @Test
    void nestedClassesShareTheEnclosingProxyUnlessTheyDeclareTheirOwn() {
        NAMED.clear();
        Kit.runPassing(3, Outer.class);
        assertThat(NAMED).containsOnlyKeys("outer", "inner", "own");
        assertThat(NAMED.get("inner")).isSameAs(NAMED.get("outer"));
        assertThat(NAMED.get("own")).isNotSameAs(NAMED.get("outer"));
        assertThat(NAMED.values()).noneMatch(ChaosProxy::isRunning);
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    @RespondWithStatus(value = 418, path = "/teapot")
    static class Outer {

        @Test
        void outer(ChaosProxy proxy) {
            NAMED.put("outer", proxy);
        }

        @Nested
        class Inner {
            @Test
            void sharesTheProxyAndTheEnclosingClassFaults(ChaosProxy proxy) {
                NAMED.put("inner", proxy);
                assertThat(Ws.handshake(proxy.uri("/teapot"))).isEqualTo("418");
                assertThat(Ws.handshake(proxy.uri())).isEqualTo("101");
            }
        }

        @Nested
        @WebSocketChaos(upstream = Echo.UPSTREAM, tls = true)
        class OwnProxy {
            @Test
            void hasItsOwnWithTheEnclosingClassFaults(ChaosProxy proxy) {
                NAMED.put("own", proxy);
                assertThat(proxy.uri().getScheme()).isEqualTo("wss");
                assertThat(proxy.faults()).as("the enclosing class's @RespondWithStatus").hasSize(1);
            }
        }
    }

    @Test
    void aFaultOnAnEnclosingClassWithoutWebSocketChaosReachesTheNestedClassProxy() {
        Kit.runPassing(1, FaultOutside.class);
    }

    @RespondWithStatus(value = 503, attempts = "1")
    static class FaultOutside {
        @Nested
        @WebSocketChaos(upstream = Echo.UPSTREAM)
        class Inside {
            @Test
            void firstAttemptGetsTheEnclosingClassFault(@ChaosProxyUri URI uri) {
                assertThat(List.of(Ws.handshake(uri), Ws.handshake(uri))).containsExactly("503", "101");
            }
        }
    }

    @Test
    void aNestedClassWithAProxyOfItsOwnUsesTheEnclosingClassUpstream() {
        Kit.runPassing(2, MemberOutside.class, AttributeOutside.class);
    }

    @WebSocketChaos
    static class MemberOutside {
        @ChaosUpstream
        static URI upstream() {
            return Echo.server.uri();
        }

        @Nested
        @WebSocketChaos(timeScale = 0.5)
        class OwnProxy {
            @Test
            void relaysToTheEnclosingClassUpstream(ChaosProxy proxy) throws Exception {
                assertThat(proxy.upstream()).isEqualTo(Echo.server.uri());
                assertThat(Ws.echo(proxy.uri(), "member outside")).isEqualTo("member outside");
            }
        }
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    static class AttributeOutside {
        @Nested
        @WebSocketChaos(timeScale = 0.5)
        class OwnProxy {
            @Test
            void relaysToTheEnclosingClassUpstream(ChaosProxy proxy) throws Exception {
                assertThat(Ws.echo(proxy.uri(), "attribute outside")).isEqualTo("attribute outside");
            }
        }
    }

    @Test
    void everyParameterizedAndRepeatedInvocationStartsClean() {
        Kit.runPassing(6, Templates.class);
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    static class Templates {

        @ParameterizedTest
        @ValueSource(ints = {502, 503, 504})
        @RespondWithStatus(value = 429, attempts = "1")
        void parameterized(int status, ChaosProxy proxy, @ChaosProxyUri URI uri) {
            assertClean(proxy);
            proxy.inject(Faults.respondWithStatus(status));
            assertThat(List.of(Ws.handshake(uri), Ws.handshake(uri))).containsExactly("429", String.valueOf(status));
        }

        @RepeatedTest(3)
        @RespondWithStatus(value = 429, attempts = "1")
        void repeated(ChaosProxy proxy, @ChaosProxyUri URI uri) {
            assertClean(proxy);
            proxy.inject(Faults.respondWithStatus(500));
            assertThat(List.of(Ws.handshake(uri), Ws.handshake(uri))).containsExactly("429", "500");
        }

        private static void assertClean(ChaosProxy proxy) {
            assertThat(proxy.recording().attempts()).isZero();
            assertThat(proxy.faults()).hasSize(1);
        }
    }

    @Test
    void nothingLeaksWhenATestOrALifecycleMethodThrows() {
        EngineExecutionResults results = Kit.run(ThrowingBeforeEach.class, ThrowingTest.class, ThrowingAfterAll.class);
        assertThat(Kit.failureMessages(results)).containsExactlyInAnyOrder("before each", "test", "after all");
        assertThat(SEEN).hasSize(3).noneMatch(ChaosProxy::isRunning).allMatch(proxy -> proxy.faults().isEmpty());
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    static class ThrowingBeforeEach {
        @BeforeEach
        void boom(ChaosProxy proxy) {
            SEEN.add(proxy);
            throw new IllegalStateException("before each");
        }

        @Test
        @RespondWithStatus(503)
        void neverRuns() {
        }
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    static class ThrowingTest {
        @Test
        @RespondWithStatus(503)
        void boom(ChaosProxy proxy) {
            SEEN.add(proxy);
            throw new IllegalStateException("test");
        }
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    @DropIdleConnections("1h")
    static class ThrowingAfterAll {
        @Test
        void passes(ChaosProxy proxy) {
            SEEN.add(proxy);
        }

        @AfterAll
        static void boom() {
            throw new IllegalStateException("after all");
        }
    }

    @Test
    void perTestLifecycleGivesEveryTestItsOwnProxy() {
        Kit.runPassing(2, PerTest.class);
        assertThat(Set.copyOf(SEEN)).hasSize(2);
        assertThat(SEEN).noneMatch(ChaosProxy::isRunning);
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM, lifecycle = WebSocketChaos.Lifecycle.PER_TEST)
    static class PerTest {
        @BeforeEach
        void before(ChaosProxy proxy) {
            assertThat(proxy.isRunning()).isTrue();
        }

        @Test
        void first(ChaosProxy proxy, @ChaosProxyUri URI uri) throws Exception {
            SEEN.add(proxy);
            assertThat(Ws.echo(uri, "one")).isEqualTo("one");
        }

        @Test
        void second(ChaosProxy proxy) {
            SEEN.add(proxy);
        }
    }

    @Test
    void builderFormInAStaticFieldIsPerClassAndInAnInstanceFieldPerTest() {
        Kit.runPassing(4, BuilderStatic.class, BuilderInstance.class);
        assertThat(SEEN).hasSize(4).noneMatch(ChaosProxy::isRunning);
        assertThat(SEEN.subList(0, 2)).containsOnly(SEEN.get(0));
        assertThat(Set.copyOf(SEEN.subList(2, 4))).hasSize(2).doesNotContain(SEEN.get(0));
    }

    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class BuilderStatic {
        @RegisterExtension
        static WebSocketChaosExtension chaos = WebSocketChaosExtension.builder()
                .upstream(() -> Echo.server.uri())
                .timeScale(0.5)
                .configure(builder -> builder.connectTimeout(Duration.ofSeconds(2)))
                .build();

        @Test
        @RespondWithStatus(value = 503, attempts = "1")
        void a(ChaosProxy proxy, @ChaosProxyUri URI uri) {
            SEEN.add(proxy);
            assertThat(proxy).isSameAs(chaos.proxy());
            assertThat(proxy.timeScale()).isEqualTo(0.5);
            assertThat(List.of(Ws.handshake(uri), Ws.handshake(uri))).containsExactly("503", "101");
        }

        @Test
        void b(ChaosProxy proxy) {
            SEEN.add(proxy);
            assertThat(proxy.faults()).isEmpty();
        }
    }

    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class BuilderInstance {
        @RegisterExtension
        WebSocketChaosExtension chaos = WebSocketChaosExtension.builder().upstream(Echo.UPSTREAM).build();

        @Test
        void a(ChaosProxy proxy) throws Exception {
            SEEN.add(proxy);
            assertThat(Ws.echo(proxy.uri(), "instance")).isEqualTo("instance");
        }

        @Test
        void b(ChaosProxy proxy) {
            SEEN.add(proxy);
        }
    }
}
