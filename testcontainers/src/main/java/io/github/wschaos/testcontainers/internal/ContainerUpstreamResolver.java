package io.github.wschaos.testcontainers.internal;

import io.github.wschaos.junit.spi.UpstreamResolver;
import io.github.wschaos.testcontainers.ContainerUpstream;
import java.net.URI;
import java.util.List;
import org.testcontainers.containers.ContainerState;

/**
 * Lets a {@code @ChaosUpstream} field or method hold a Testcontainers container ({@link ContainerState}, e.g. a
 * {@code GenericContainer}): the upstream is the host and mapped port of the annotation's {@code port} (or the
 * container's only exposed port) at its {@code path}, read when the proxy starts. Registered in
 * {@code META-INF/services}; not API.
 */
public final class ContainerUpstreamResolver implements UpstreamResolver {

    @Override
    public boolean supports(Object value) {
        return value instanceof ContainerState;
    }

    @Override
    public URI resolve(Object value, Request request) {
        ContainerState container = (ContainerState) value;
        int port = request.port();
        if (port == 0) {
            List<Integer> exposed = container.getExposedPorts();
            if (exposed.size() != 1) {
                throw new IllegalStateException("the container in " + request.memberName() + " exposes " + exposed
                        + ", not exactly one port; name the port in @ChaosUpstream(port = ...)");
            }
            port = exposed.get(0);
        }
        if (!container.isRunning()) {
            throw new IllegalStateException("the container in " + request.memberName() + " is not started when the proxy "
                    + "starts; annotate the class with @Testcontainers and the field with @Container (Testcontainers then "
                    + "starts a static container before @BeforeAll methods and tests), or start it yourself in a static "
                    + "initializer or a @BeforeAll method that runs before the proxy is first asked for");
        }
        return ContainerUpstream.of(container, port).path(request.path()).uri();
    }
}
