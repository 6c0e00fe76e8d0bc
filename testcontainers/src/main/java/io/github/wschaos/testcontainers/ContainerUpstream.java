package io.github.wschaos.testcontainers;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.function.Supplier;
import org.testcontainers.containers.ContainerState;

/**
 * A WebSocket upstream that lives in a container: the container, one of its exposed ports and a path, resolved to
 * the host and the mapped port only when asked, that is once the container has started.
 *
 * <p>With {@link io.github.wschaos.ChaosProxy}'s builder:
 * <pre>{@code
 * @Container
 * static GenericContainer<?> echo = new GenericContainer<>("my/echo:1").withExposedPorts(8080);
 *
 * ChaosProxy proxy = ChaosProxy.builder()
 *         .upstream(ContainerUpstream.of(echo, 8080).path("/echo").uri())
 *         .start();
 * }</pre>
 *
 * <p>With {@code @WebSocketChaos}, annotate the {@code @Container} field itself with {@code @ChaosUpstream}; it is
 * resolved the same way when the proxy starts, after Testcontainers has started the class's static containers:
 * <pre>{@code
 * @Testcontainers
 * @WebSocketChaos
 * class ChatTest {
 *     @Container
 *     @ChaosUpstream(port = 8080, path = "/echo")
 *     static GenericContainer<?> echo = new GenericContainer<>("my/echo:1").withExposedPorts(8080);
 * }
 * }</pre>
 * It is also a {@code Supplier<URI>}, so {@code WebSocketChaosExtension.builder().upstream(ContainerUpstream.of(...))}
 * takes it as it is and resolves it when the proxy starts.
 *
 * <p>Resolving fails with an {@link IllegalStateException} that says what to do when the container has not been
 * started, or when the port is not one of its exposed ports.
 *
 * <p>Instances are immutable; {@link #path(String)} and {@link #secure()} return new ones.
 */
public final class ContainerUpstream implements Supplier<URI> {

    private final ContainerState container;
    private final int port;
    private final String path;
    private final boolean secure;

    private ContainerUpstream(ContainerState container, int port, String path, boolean secure) {
        this.container = container;
        this.port = port;
        this.path = path;
        this.secure = secure;
    }

    /**
     * The upstream at {@code ws://host:mappedPort/} of the container's exposed {@code containerPort}.
     *
     * @param container a container (started or not yet: it is read when resolved)
     * @param containerPort the port inside the container, one of its exposed ports
     * @return the upstream
     */
    public static ContainerUpstream of(ContainerState container, int containerPort) {
        Objects.requireNonNull(container, "container");
        if (containerPort < 1 || containerPort > 65535) {
            throw new IllegalArgumentException("container port " + containerPort + " is not a port; accepted is 1 to 65535");
        }
        return new ContainerUpstream(container, containerPort, "/", false);
    }

    /**
     * The same upstream at another path and query, e.g. {@code "/chat?room=1"}.
     *
     * @param pathAndQuery starting with {@code /}
     * @return a new upstream
     */
    public ContainerUpstream path(String pathAndQuery) {
        Objects.requireNonNull(pathAndQuery, "pathAndQuery");
        if (!pathAndQuery.startsWith("/")) {
            throw new IllegalArgumentException("path \"" + pathAndQuery + "\" must start with /, e.g. \"/echo\"");
        }
        return new ContainerUpstream(container, port, pathAndQuery, secure);
    }

    /**
     * The same upstream with TLS ({@code wss://}); the proxy must then trust the container's certificate
     * ({@code ChaosProxy.Builder#upstreamTrust} or {@code trustAnyUpstreamCertificate()}).
     *
     * @return a new upstream
     */
    public ContainerUpstream secure() {
        return new ContainerUpstream(container, port, path, true);
    }

    /** The port inside the container. */
    public int containerPort() {
        return port;
    }

    /**
     * Resolves the upstream: {@code ws://host:mappedPort/path} of the started container.
     *
     * @return the URI the proxy connects to
     * @throws IllegalStateException when the container is not running or the port is not exposed
     */
    public URI uri() {
        String name = describe(container);
        if (!container.isRunning()) {
            throw new IllegalStateException("Container " + name + " is not started, so port " + port + " has no mapped port "
                    + "yet; start it first (container.start(), or a static @Container field with @Testcontainers, which "
                    + "starts it before @BeforeAll), and resolve the upstream after that (a @ChaosUpstream method is read "
                    + "when the proxy starts)");
        }
        Integer mapped;
        try {
            mapped = container.getMappedPort(port);
        } catch (IllegalArgumentException e) {
            mapped = null;
        }
        if (mapped == null) {
            throw new IllegalStateException("Container " + name + " does not expose port " + port + " (exposed: "
                    + container.getExposedPorts() + "); add it with withExposedPorts(" + port + ") before the container starts");
        }
        String host = ipv4Host(container);
        try {
            return new URI(secure ? "wss" : "ws", null, host, mapped, null, null, null).resolve(path);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Container " + name + ": host " + host + " and path " + path + " make no URI: " + e.getMessage(), e);
        }
    }

    /** {@link #uri()}: resolves the upstream. */
    @Override
    public URI get() {
        return uri();
    }

    @Override
    public String toString() {
        return (secure ? "wss" : "ws") + "://" + describe(container) + ":" + port + path;
    }

    private static String describe(ContainerState container) {
        String type = container.getClass().getSimpleName().isEmpty() ? "container" : container.getClass().getSimpleName();
        try {
            if (container.isRunning() && container.getContainerInfo() != null) {
                return type + " " + container.getContainerInfo().getConfig().getImage() + " ("
                        + container.getContainerId().substring(0, 12) + ")";
            }
        } catch (RuntimeException e) {
            // Only for the message.
        }
        return type;
    }

    /**
     * The container's host as the test reaches it: {@code 127.0.0.1} for {@code localhost}, since Docker publishes
     * ports on IPv4 and {@code localhost} may resolve to {@code ::1} first.
     */
    static String ipv4Host(ContainerState container) {
        String host = container.getHost();
        return "localhost".equals(host) ? "127.0.0.1" : host;
    }
}
