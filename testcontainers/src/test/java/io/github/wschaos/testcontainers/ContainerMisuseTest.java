package io.github.wschaos.testcontainers;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        final GenericContainer<?> echo = LoopbackPorts.publishOnLoopback(TestImages.echoServer());

        @Test
        void portNotExposed() {
            assertThatThrownBy(() -> ContainerUpstream.of(echo, 9090).uri())
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
