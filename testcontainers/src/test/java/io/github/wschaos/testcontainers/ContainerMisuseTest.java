package io.github.wschaos.testcontainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.wschaos.junit.ChaosUpstream;
import io.github.wschaos.junit.WebSocketChaos;
import io.github.wschaos.testcontainers.support.Fixtures;
import io.github.wschaos.testcontainers.support.RequiresDocker;
import io.github.wschaos.testcontainers.support.TestImages;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/** Each misuse gets a message that says what to do. */
class ContainerMisuseTest {

    private static final String PREFIX = "io.github.wschaos.testcontainers.ContainerMisuseTest$";

    @Test
    @SuppressWarnings("resource")
    void containerNotStarted() {
        GenericContainer<?> notStarted = TestImages.echoServer();

        assertThatThrownBy(() -> ContainerUpstream.of(notStarted, 8080).path("/echo").uri())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not started")
                .hasMessageContaining("start it first")
                .hasMessageContaining("@Container");
    }

    @Test
    void chaosUpstreamFieldNotStarted() {
        assertThat(Fixtures.failureMessages(NotStarted.class)).containsExactly("@ChaosUpstream field " + PREFIX
                + "NotStarted.ECHO (for @WebSocketChaos on class " + PREFIX + "NotStarted): the container in ECHO is not "
                + "started when the proxy starts; annotate the class with @Testcontainers and the field with @Container "
                + "(Testcontainers then starts a static container before @BeforeAll methods and tests), or start it "
                + "yourself in a static initializer or a @BeforeAll method that runs before the proxy is first asked for");
    }

    /** {@code @Container} without {@code @Testcontainers} on the class: nothing starts the container. */
    @WebSocketChaos
    static class NotStarted {
        @Container
        @ChaosUpstream(port = 8080, path = "/echo")
        static final GenericContainer<?> ECHO = TestImages.echoServer();

        @Test
        void test() {
        }
    }

    @Test
    void chaosUpstreamFieldWithoutPortAndSeveralExposed() {
        assertThat(Fixtures.failureMessages(TwoPorts.class)).containsExactly("@ChaosUpstream field " + PREFIX
                + "TwoPorts.ECHO (for @WebSocketChaos on class " + PREFIX + "TwoPorts): the container in ECHO exposes "
                + "[8080, 8081], not exactly one port; name the port in @ChaosUpstream(port = ...)");
    }

    @WebSocketChaos
    static class TwoPorts {
        @ChaosUpstream
        static final GenericContainer<?> ECHO = TestImages.echoServer().withExposedPorts(8080, 8081);

        @Test
        void test() {
        }
    }

    @Test
    void badArguments() {
        GenericContainer<?> container = TestImages.echoServer();
        assertThatThrownBy(() -> ContainerUpstream.of(container, 0)).hasMessageContaining("accepted is 1 to 65535");
        assertThatThrownBy(() -> ContainerUpstream.of(container, 8080).path("echo")).hasMessageContaining("must start with /");
    }

    @Nested
    @RequiresDocker
    @Testcontainers
    class WithDocker {

        @Container
        static final GenericContainer<?> ECHO = LoopbackPorts.publishOnLoopback(TestImages.echoServer());

        @Test
        void portNotExposed() {
            assertThatThrownBy(() -> ContainerUpstream.of(ECHO, 9090).uri())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("does not expose port 9090")
                    .hasMessageContaining("exposed: [8080]")
                    .hasMessageContaining("withExposedPorts(9090)");
        }

        @Test
        void imageMissing() {
            try (WsChaosContainer chaos = new WsChaosContainer(DockerImageName.parse("wschaos/wschaos:no-such-tag"))) {
                assertThatThrownBy(chaos::start)
                        .hasStackTraceContaining("Image wschaos/wschaos:no-such-tag is not in the local Docker engine")
                        .hasStackTraceContaining("docker/build-images.sh");
            }
        }
    }
}
