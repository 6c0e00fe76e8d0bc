package io.github.wschaos.testcontainers;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * Publishes a container's exposed ports on the host's loopback address only ({@code -p 127.0.0.1::PORT}) instead of
 * every interface, Testcontainers' default: a container under chaos is then reachable from the test's machine and
 * from nowhere else, as wschaos's own proxies are.
 *
 * <pre>{@code
 * @Container
 * static GenericContainer<?> echo = LoopbackPorts.publishOnLoopback(new GenericContainer<>("my/echo:1").withExposedPorts(8080));
 * }</pre>
 *
 * <p>Only for a local Docker engine: with a remote one ({@code DOCKER_HOST=tcp://...}) the ports would be unreachable.
 * Tests that run inside a container need {@code TESTCONTAINERS_HOST_OVERRIDE=localhost}, or Testcontainers looks for
 * the ports at the bridge's gateway; the container then fails to start, saying so.
 */
public final class LoopbackPorts {

    /** The host address the ports are published on. */
    public static final String LOOPBACK = "127.0.0.1";

    private LoopbackPorts() {
    }

    /**
     * Makes {@code container} publish its exposed ports on {@value #LOOPBACK} (each on a random host port, as
     * before); ports bound explicitly to a host address keep theirs.
     *
     * @param container a container not started yet
     * @param <C> its type
     * @return the container
     */
    public static <C extends GenericContainer<?>> C publishOnLoopback(C container) {
        container.withCreateContainerCmdModifier(LoopbackPorts::rebind);
        return container;
    }

    /**
     * Fails at once when Testcontainers reaches containers at an address other than loopback, where ports published on
     * loopback cannot be reached: it does so inside a container (it finds {@code /.dockerenv} and takes the bridge's
     * gateway, "Docker host IP address is 172.17.0.1") and with a remote engine. Without this check the wait for the
     * container timed out after 60 s with "Connection refused".
     */
    static void requireLoopbackHost() {
        String host = DockerClientFactory.instance().dockerHostIpAddress();
        if (!isLoopback(host)) {
            throw new IllegalStateException("Testcontainers reaches containers at " + host + ", but their ports are"
                    + " published on " + LOOPBACK + " only (LoopbackPorts): with a local Docker engine, set the"
                    + " environment variable TESTCONTAINERS_HOST_OVERRIDE=localhost (Testcontainers takes the bridge's"
                    + " gateway when it runs inside a container); with a remote engine, do not publish on loopback");
        }
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    private static void rebind(CreateContainerCmd cmd) {
        requireLoopbackHost();
        HostConfig hostConfig = cmd.getHostConfig();
        if (hostConfig == null || cmd.getExposedPorts() == null) {
            return;
        }
        Ports ports = new Ports();
        Map<ExposedPort, Ports.Binding[]> existing = hostConfig.getPortBindings() == null ? Map.of()
                : hostConfig.getPortBindings().getBindings();
        for (ExposedPort port : cmd.getExposedPorts()) {
            Ports.Binding[] bindings = existing.get(port);
            if (bindings == null || bindings.length == 0) {
                ports.bind(port, Ports.Binding.bindIp(LOOPBACK));
                continue;
            }
            for (Ports.Binding binding : bindings) {
                boolean anyAddress = binding.getHostIp() == null || binding.getHostIp().isEmpty()
                        || binding.getHostIp().equals("0.0.0.0");
                ports.bind(port, anyAddress ? new Ports.Binding(LOOPBACK, binding.getHostPortSpec()) : binding);
            }
        }
        existing.forEach((port, bindings) -> {
            if (!ports.getBindings().containsKey(port)) {
                for (Ports.Binding binding : bindings) {
                    ports.bind(port, binding);
                }
            }
        });
        hostConfig.withPublishAllPorts(false).withPortBindings(ports);
    }
}
