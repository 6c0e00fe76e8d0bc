package io.github.wschaos.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.fault.TlsMismatch;
import io.github.wschaos.junit.testing.Kit;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every misuse fails the test with a message naming the element, the value and what is accepted. */
class MisuseTest {

    private static final String PREFIX = "io.github.wschaos.junit.MisuseTest$";

    @BeforeAll
    static void startEcho() {
        Echo.start();
    }

    @AfterAll
    static void stopEcho() {
        Echo.stop();
    }

    @Test
    void faultOnALifecycleMethod() {
        assertThat(Kit.onlyFailureOf(FaultOnBeforeEach.class)).isEqualTo("@RespondWithStatus on method " + PREFIX
                + "FaultOnBeforeEach.before() has no effect: fault annotations apply to test methods and test classes, not"
                + " to @BeforeEach methods; move it to the class or the tests, or call proxy.inject(...) in the method");
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    static class FaultOnBeforeEach {
        @BeforeEach
        @RespondWithStatus(503)
        void before() {
        }

        @Test
        void test() {
        }
    }

    @Test
    void idleTimeoutOnAPlatformWhoseTimeoutIsFixed() {
        assertThat(Kit.onlyFailureOf(HerokuWithIdleTimeout.class)).isEqualTo("@ChaosProfile on method " + PREFIX
                + "HerokuWithIdleTimeout.test(): idleTimeout = \"5s\" applies to Platform.AWS_ALB only (the load"
                + " balancer's configurable timeout); HEROKU_ROUTER's timeout is fixed: leave idleTimeout empty, or use"
                + " @DropIdleConnections(\"5s\") for another timeout");
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    static class HerokuWithIdleTimeout {
        @Test
        @ChaosProfile(value = ChaosProfile.Platform.HEROKU_ROUTER, idleTimeout = "5s")
        void test() {
        }
    }

    @Test
    void noUpstream() {
        assertThat(Kit.onlyFailureOf(NoUpstream.class)).isEqualTo("No upstream for the proxy of @WebSocketChaos on class " + PREFIX
                + "NoUpstream: none was declared and none was set before test() ran. Accepted are upstream = "
                + "\"ws://host:port/path\" (with ${name} or ${name:default} from system properties or the environment), "
                + "a static field or static no-argument method annotated @ChaosUpstream holding a URI, a String or a "
                + "container (with wschaos-testcontainers), or proxy.upstream(uri) in a @BeforeAll or @BeforeEach method");
    }

    @WebSocketChaos
    static class NoUpstream {
        @Test
        void test() {
        }
    }

    @Test
    void badDuration() {
        assertThat(Kit.onlyFailureOf(BadDuration.class)).isEqualTo("@DropIdleConnections on method " + PREFIX
                + "BadDuration.test(): value = \"2 seconds\" is not a duration; accepted are a number with a unit "
                + "(500ms, 2s, 1.5s, 1m, 1h, 1d) or an ISO-8601 duration (PT2S, PT0.5S)");
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    static class BadDuration {
        @Test
        @DropIdleConnections("2 seconds")
        void test() {
        }
    }

    @Test
    void badTargetingDuration() {
        assertThat(Kit.onlyFailureOf(BadStartingAfter.class)).isEqualTo("@CloseWithCode on class " + PREFIX
                + "BadStartingAfter: startingAfter = \"-PT1S\" is negative; accepted are a number with a unit "
                + "(500ms, 2s, 1.5s, 1m, 1h, 1d) or an ISO-8601 duration (PT2S, PT0.5S)");
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    @CloseWithCode(value = 1001, startingAfter = "-PT1S")
    static class BadStartingAfter {
        @Test
        void test() {
        }
    }

    @Test
    void negativeDuration() {
        assertThat(Kit.onlyFailureOf(NegativeDuration.class)).isEqualTo("@DropIdleConnections on method " + PREFIX
                + "NegativeDuration.test(): value = \"-5s\" is negative; accepted are a number with a unit "
                + "(500ms, 2s, 1.5s, 1m, 1h, 1d) or an ISO-8601 duration (PT2S, PT0.5S)");
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    static class NegativeDuration {
        @Test
        @DropIdleConnections("-5s")
        void test() {
        }
    }

    @Test
    void reversedAttemptRange() {
        assertThat(Kit.onlyFailureOf(ReversedAttempts.class)).isEqualTo("@RespondWithStatus on method " + PREFIX
                + "ReversedAttempts.test(): attempts = \"3..1\" is an empty range or starts below 1; accepted are "
                + "\"3\" (one attempt) or \"2..4\" (both included, from 1)");
    }

    @Test
    void negativeNextNamesTheDefault() {
        assertThat(Kit.onlyFailureOf(NegativeNext.class)).isEqualTo("@RefuseConnections on method " + PREFIX
                + "NegativeNext.test(): next = -1 is negative; accepted are 1 or more (the next N connections), or 0,"
                + " the default, for no such limit");
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    static class NegativeNext {
        @Test
        @RefuseConnections(next = -1)
        void test() {
        }
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    static class ReversedAttempts {
        @Test
        @RespondWithStatus(value = 503, attempts = "3..1")
        void test() {
        }
    }

    @Test
    void badAttemptRange() {
        assertThat(Kit.onlyFailureOf(BadAttempts.class)).isEqualTo("@RefuseConnections on method " + PREFIX
                + "BadAttempts.test(): attempts = \"two\" is not an attempt range; accepted are \"3\" (one attempt) "
                + "or \"2..4\" (both included, from 1)");
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    static class BadAttempts {
        @Test
        @RefuseConnections(attempts = "two")
        void test() {
        }
    }

    @Test
    void valueTheCatalogueRejects() {
        assertThat(Kit.onlyFailureOf(BadCloseCode.class)).startsWith("@CloseWithCode on method " + PREFIX + "BadCloseCode.test(): ")
                .contains("1006");
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    static class BadCloseCode {
        @Test
        @CloseWithCode(1006)
        void test() {
        }
    }

    @Test
    void unsupportedParameterType() {
        assertThat(Kit.onlyFailureOf(BadParameter.class)).isEqualTo("@ChaosProxyUri on parameter 1 (int) of method " + PREFIX
                + "BadParameter.test(int): accepted types are java.net.URI and String, not int");
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    static class BadParameter {
        @Test
        void test(@ChaosProxyUri int port) {
        }
    }

    @Test
    void faultAnnotationWithoutWebSocketChaos() {
        String expected = " needs a chaos proxy, but class " + PREFIX + "%s has no @WebSocketChaos (nor an enclosing "
                + "class); annotate the class with @WebSocketChaos(upstream = \"ws://host:port/path\"), or register "
                + "WebSocketChaosExtension.builder()...build() with @RegisterExtension";
        assertThat(Kit.onlyFailureOf(FaultOnMethodOnly.class)).isEqualTo("@RespondWithStatus on method " + PREFIX
                + "FaultOnMethodOnly.test()" + expected.formatted("FaultOnMethodOnly"));
        assertThat(Kit.onlyFailureOf(FaultOnClassOnly.class)).isEqualTo("@DropIdleConnections on class " + PREFIX
                + "FaultOnClassOnly" + expected.formatted("FaultOnClassOnly"));
    }

    static class FaultOnMethodOnly {
        @Test
        @RespondWithStatus(503)
        void test() {
        }
    }

    @DropIdleConnections("1s")
    static class FaultOnClassOnly {
        @Test
        void test() {
        }
    }

    @Test
    void proxyParameterWithoutWebSocketChaos() {
        assertThat(Kit.onlyFailureOf(ParameterWithoutChaos.class)).isEqualTo("parameter 1 (ChaosProxy) of constructor " + PREFIX
                + "ParameterWithoutChaos(ChaosProxy) asks for the chaos proxy, but class " + PREFIX
                + "ParameterWithoutChaos has no @WebSocketChaos (nor an enclosing class); annotate it, or register "
                + "WebSocketChaosExtension.builder()...build() with @RegisterExtension");
    }

    @Blackhole
    static class ParameterWithoutChaos {
        ParameterWithoutChaos(ChaosProxy proxy) {
        }

        @Test
        void test() {
        }
    }

    @Test
    void unresolvablePlaceholder() {
        assertThat(Kit.onlyFailureOf(MissingProperty.class)).isEqualTo("@WebSocketChaos on class " + PREFIX + "MissingProperty: "
                + "upstream \"ws://${wschaos.test.missing}/echo\" uses ${wschaos.test.missing}, which is neither a system "
                + "property nor an environment variable; set one, or give a default as ${wschaos.test.missing:value};"
                + " for a port known only once the app is up (Spring Boot's random port), leave upstream out and call"
                + " proxy.upstream(uri) in @BeforeEach");
    }

    @WebSocketChaos(upstream = "ws://${wschaos.test.missing}/echo")
    static class MissingProperty {
        @Test
        void test(ChaosProxy proxy) {
        }
    }

    @Test
    void upstreamThatIsNotWebSocket() {
        assertThat(Kit.onlyFailureOf(HttpUpstream.class)).startsWith("@WebSocketChaos on class " + PREFIX + "HttpUpstream: ")
                .contains("http://127.0.0.1:1/");
    }

    @WebSocketChaos(upstream = "http://127.0.0.1:1/")
    static class HttpUpstream {
        @Test
        void test() {
        }
    }

    @Test
    void twoUpstreams() {
        assertThat(Kit.onlyFailureOf(TwoUpstreams.class)).isEqualTo("@WebSocketChaos on class " + PREFIX + "TwoUpstreams has 2 "
                + "upstreams [upstream = \"" + Echo.UPSTREAM + "\", @ChaosUpstream method " + PREFIX
                + "TwoUpstreams.upstream()]; declare exactly one");
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    static class TwoUpstreams {
        @ChaosUpstream
        static URI upstream() {
            return URI.create("ws://127.0.0.1:1/");
        }

        @Test
        void test() {
        }
    }

    @Test
    void twoUpstreamMembersThatDoNotHideEachOther() {
        assertThat(Kit.onlyFailureOf(FieldAndMethod.class)).isEqualTo("@WebSocketChaos on class " + PREFIX + "FieldAndMethod has 2 "
                + "upstreams [@ChaosUpstream field " + PREFIX + "UpstreamFieldBase.upstream, @ChaosUpstream method " + PREFIX
                + "FieldAndMethod.upstream()]; declare exactly one");
    }

    @WebSocketChaos
    abstract static class UpstreamFieldBase {
        @ChaosUpstream
        static URI upstream = URI.create("ws://127.0.0.1:1/field");
    }

    static class FieldAndMethod extends UpstreamFieldBase {
        @ChaosUpstream
        static URI upstream() {
            return URI.create("ws://127.0.0.1:1/method");
        }

        @Test
        void test() {
        }
    }

    @Test
    void webSocketChaosDirectlyAndThroughAComposedAnnotation() {
        assertThat(Kit.onlyFailureOf(TwoChaos.class)).isEqualTo("class " + PREFIX + "TwoChaos has 2 @WebSocketChaos "
                + "[@WebSocketChaos on class " + PREFIX + "TwoChaos, @WebSocketChaos through @ComposedChaos on class " + PREFIX
                + "TwoChaos]; declare exactly one, directly or through one composed annotation");
    }

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @WebSocketChaos(upstream = "ws://127.0.0.1:1/composed", timeScale = 0.01)
    @interface ComposedChaos {
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    @ComposedChaos
    static class TwoChaos {
        @Test
        void test(ChaosProxy proxy) {
        }
    }

    @Test
    void nonStaticChaosUpstream() {
        assertThat(Kit.onlyFailureOf(InstanceUpstream.class)).isEqualTo("@ChaosUpstream field " + PREFIX + "InstanceUpstream.upstream "
                + "(for @WebSocketChaos on class " + PREFIX + "InstanceUpstream): accepted is a static field or a static "
                + "method without parameters, of type java.net.URI, String, or a type an UpstreamResolver resolves (with "
                + "wschaos-testcontainers: a Testcontainers container); found non-static URI");
    }

    @WebSocketChaos
    static class InstanceUpstream {
        @ChaosUpstream
        URI upstream = URI.create("ws://127.0.0.1:1/");

        @Test
        void test() {
        }
    }

    @Test
    void badTimeScale() {
        assertThat(Kit.onlyFailureOf(ZeroTimeScale.class)).isEqualTo("@WebSocketChaos on class " + PREFIX + "ZeroTimeScale: "
                + "time scale 0.0 must be a positive finite number, e.g. 0.01");
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM, timeScale = 0)
    static class ZeroTimeScale {
        @Test
        void test() {
        }
    }

    @Test
    void perTestProxyOutsideATest() {
        assertThat(Kit.onlyFailureOf(PerTestInBeforeAll.class)).isEqualTo("@WebSocketChaos on class " + PREFIX + "PerTestInBeforeAll "
                + "has lifecycle = PER_TEST: one proxy per test, so parameter 1 (ChaosProxy) of method " + PREFIX
                + "PerTestInBeforeAll.beforeAll(ChaosProxy) (outside a test) cannot receive it; receive it in test "
                + "methods, @BeforeEach or @AfterEach methods, or use lifecycle = PER_CLASS (a static @RegisterExtension "
                + "field) for one proxy per class");
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM, lifecycle = WebSocketChaos.Lifecycle.PER_TEST)
    static class PerTestInBeforeAll {
        @BeforeAll
        static void beforeAll(ChaosProxy proxy) {
        }

        @Test
        void test() {
        }
    }

    @Test
    void tlsFaultOnAPlainListener() {
        assertThat(Kit.onlyFailureOf(TlsOnPlain.class)).isEqualTo("@ForceTlsMismatch on method " + PREFIX + "TlsOnPlain.test(): "
                + "TLS mismatch EXPIRED_CERTIFICATE changes the certificate of a TLS listener, but this proxy listens "
                + "without TLS; build it with tls() (in a JUnit test: @WebSocketChaos(tls = true); on the command line: --tls)");
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    static class TlsOnPlain {
        @Test
        @ForceTlsMismatch(TlsMismatch.EXPIRED_CERTIFICATE)
        void test() {
        }
    }

    @Test
    void badHeader() {
        assertThat(Kit.onlyFailureOf(BadHeader.class)).isEqualTo("@RespondWithStatus on method " + PREFIX + "BadHeader.test(): "
                + "headers entry \"Retry-After 5\" is not a header; accepted is \"Name: value\", e.g. \"Retry-After: 5\"");
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    static class BadHeader {
        @Test
        @RespondWithStatus(value = 503, headers = "Retry-After 5")
        void test() {
        }
    }

    @Test
    void twoBuilderRegistrationsInOneClass() {
        String expected = "class " + PREFIX + "TwoBuilders registers 2 WebSocketChaosExtension [field " + PREFIX
                + "TwoBuilders.chat, field " + PREFIX + "TwoBuilders.feed]; they would share one proxy: register exactly "
                + "one per class (for a second upstream, start a second proxy in the test with "
                + "ChaosProxy.builder().upstream(uri).start() and close it)";
        assertThat(Kit.onlyFailureOf(TwoBuilders.class)).isEqualTo(expected);
        assertThat(Kit.onlyFailureOf(BuilderInBaseAndSubclass.class)).isEqualTo(("class " + PREFIX
                + "BuilderInBaseAndSubclass registers 2 WebSocketChaosExtension [field " + PREFIX + "BuilderBase.chat, "
                + "field " + PREFIX + "BuilderInBaseAndSubclass.feed]; ")
                + expected.substring(expected.indexOf("they would")));
    }

    static class TwoBuilders {
        @RegisterExtension
        static WebSocketChaosExtension chat = WebSocketChaosExtension.builder().upstream("ws://127.0.0.1:1/chat").build();
        @RegisterExtension
        static WebSocketChaosExtension feed = WebSocketChaosExtension.builder().upstream("ws://127.0.0.1:1/feed").build();

        @Test
        @RespondWithStatus(503)
        void test(ChaosProxy proxy) {
        }
    }

    abstract static class BuilderBase {
        @RegisterExtension
        static WebSocketChaosExtension chat = WebSocketChaosExtension.builder().upstream("ws://127.0.0.1:1/chat").build();
    }

    static class BuilderInBaseAndSubclass extends BuilderBase {
        @RegisterExtension
        WebSocketChaosExtension feed = WebSocketChaosExtension.builder().upstream("ws://127.0.0.1:1/feed").build();

        @Test
        void test() {
        }
    }

    @Test
    void chaosUpstreamInAKotlinCompanionWithoutJvmStatic() {
        assertThat(Kit.onlyFailureOf(CompanionUpstream.class)).isEqualTo("@ChaosUpstream method " + PREFIX
                + "CompanionUpstream$Companion.upstream() (for @WebSocketChaos on class " + PREFIX + "CompanionUpstream): "
                + "it is in a companion object, which JUnit does not see as static; add @JvmStatic so that JUnit sees it "
                + "as static");
        Kit.runPassing(1, CompanionUpstreamWithJvmStatic.class);
    }

    /** What Kotlin compiles {@code companion object { @ChaosUpstream fun upstream() = ... }} to. */
    @WebSocketChaos
    static class CompanionUpstream {
        public static final Companion Companion = new Companion();

        static final class Companion {
            @ChaosUpstream
            public String upstream() {
                return Echo.UPSTREAM;
            }
        }

        @Test
        void test(@ChaosProxyUri URI uri) {
        }
    }

    /** The same with {@code @JvmStatic}: Kotlin adds a static method to the class, with the annotation. */
    @WebSocketChaos
    static class CompanionUpstreamWithJvmStatic {
        public static final Companion Companion = new Companion();

        @ChaosUpstream
        public static String upstream() {
            return Companion.upstream();
        }

        static final class Companion {
            @ChaosUpstream
            public String upstream() {
                return Echo.server.uri().toString();
            }
        }

        @Test
        void test(@ChaosProxyUri URI uri) throws Exception {
            assertThat(io.github.wschaos.junit.testing.Ws.echo(uri, "companion")).isEqualTo("companion");
        }
    }
}
