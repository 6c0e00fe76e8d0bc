package io.github.wschaos.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.junit.testing.EchoServer;
import io.github.wschaos.junit.testing.EchoServerResolver;
import io.github.wschaos.junit.testing.Kit;
import io.github.wschaos.junit.testing.Ws;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A {@code @ChaosUpstream} member holding neither a URI nor a String, turned into the upstream by an
 * {@link io.github.wschaos.junit.spi.UpstreamResolver} from {@code META-INF/services} (here {@link EchoServerResolver}
 * for the tests' echo server; wschaos-testcontainers registers one for containers the same way).
 */
class UpstreamResolverTest {

    private static final String PREFIX = "io.github.wschaos.junit.UpstreamResolverTest$";

    @BeforeAll
    static void startEcho() {
        Echo.start();
    }

    @AfterAll
    static void stopEcho() {
        Echo.stop();
    }

    @Test
    void aResolvedValueWithPortAndPathIsTheUpstream() {
        Kit.runPassing(1, Resolved.class);
    }

    @WebSocketChaos
    static class Resolved {
        @ChaosUpstream(path = "/echo")
        static EchoServer server() {
            return Echo.server;
        }

        @Test
        void relays(ChaosProxy proxy, @ChaosProxyUri URI uri) throws Exception {
            assertThat(proxy.upstream()).isEqualTo(Echo.server.uri());
            assertThat(Ws.echo(uri, "resolved")).isEqualTo("resolved");
        }
    }

    @Test
    void aValueNoResolverSupportsNamesTheResolversFound() {
        assertThat(Kit.onlyFailureOf(Unsupported.class)).isEqualTo("@ChaosUpstream method " + PREFIX + "Unsupported.upstream() (for "
                + "@WebSocketChaos on class " + PREFIX + "Unsupported): its value is a java.lang.StringBuilder, which no "
                + "UpstreamResolver on the class path resolves (found: " + EchoServerResolver.class.getName() + "); "
                + "accepted are java.net.URI, String, or a type a resolver supports (add wschaos-testcontainers for "
                + "Testcontainers containers)");
    }

    @WebSocketChaos
    static class Unsupported {
        @ChaosUpstream
        static StringBuilder upstream() {
            return new StringBuilder("ws://127.0.0.1:1/");
        }

        @Test
        void test() {
        }
    }

    @Test
    void theResolversMessageNamesTheMember() {
        assertThat(Kit.onlyFailureOf(WrongPort.class)).isEqualTo("@ChaosUpstream method " + PREFIX + "WrongPort.server() (for "
                + "@WebSocketChaos on class " + PREFIX + "WrongPort): the echo server in server listens on port "
                + Echo.server.port() + ", not 1");
    }

    @WebSocketChaos
    static class WrongPort {
        @ChaosUpstream(port = 1)
        static EchoServer server() {
            return Echo.server;
        }

        @Test
        void test() {
        }
    }

    @Test
    void portAndPathAreRefusedOnAUri() {
        assertThat(Kit.onlyFailureOf(PortOnUri.class)).isEqualTo("@ChaosUpstream method " + PREFIX + "PortOnUri.upstream() (for "
                + "@WebSocketChaos on class " + PREFIX + "PortOnUri): port = 8080, path = \"/\" apply only to a value an "
                + "UpstreamResolver resolves (e.g. a container); a URI carries its own port and path: write them into "
                + "\"ws://127.0.0.1:1/\"");
    }

    @WebSocketChaos
    static class PortOnUri {
        @ChaosUpstream(port = 8080)
        static URI upstream() {
            return URI.create("ws://127.0.0.1:1/");
        }

        @Test
        void test() {
        }
    }

    @Test
    void badPortAndPath() {
        assertThat(Kit.onlyFailureOf(BadPort.class)).isEqualTo("@ChaosUpstream method " + PREFIX + "BadPort.server() (for "
                + "@WebSocketChaos on class " + PREFIX + "BadPort): port = -1 is not a port; accepted are 1 to 65535, or 0 "
                + "for the value's only port");
        assertThat(Kit.onlyFailureOf(BadPath.class)).isEqualTo("@ChaosUpstream method " + PREFIX + "BadPath.server() (for "
                + "@WebSocketChaos on class " + PREFIX + "BadPath): path = \"echo\" must start with /, e.g. \"/echo\"");
    }

    @WebSocketChaos
    static class BadPath {
        @ChaosUpstream(path = "echo")
        static EchoServer server() {
            return Echo.server;
        }

        @Test
        void test() {
        }
    }

    @WebSocketChaos
    static class BadPort {
        @ChaosUpstream(port = -1)
        static EchoServer server() {
            return Echo.server;
        }

        @Test
        void test() {
        }
    }
}
