package io.github.wschaos.testcontainers;

import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The wschaos image ({@code wschaos/wschaos}, built locally by {@code docker/build-images.sh}) as a Testcontainers
 * container: a chaos proxy that runs next to the other containers of a test, on their network.
 *
 * <p>Two ways to run it:
 * <ul>
 *   <li><b>Control API</b> (the default command, {@code wschaos server --api 0.0.0.0:8474}): the Toxiproxy-compatible
 *       HTTP API on {@link #CONTROL_PORT}, proxies created at run time on {@link #FIRST_PROXY_PORT} and the
 *       {@value #PROXY_PORT_COUNT} ports after it, as Toxiproxy's image does. {@link #proxy(String, String)} creates
 *       one and returns a {@link Proxy} handle that arms faults as toxics; toxiproxy-java works against
 *       {@link #controlUri()} as well.</li>
 *   <li><b>Standalone proxy</b> ({@link #withStandaloneProxy(String, String...)}): one proxy, its faults given on the
 *       command line, listening on {@link #FIRST_PROXY_PORT}; no control API.</li>
 * </ul>
 *
 * <pre>{@code
 * Network network = Network.newNetwork();
 * GenericContainer<?> echo = new GenericContainer<>("my/echo:1").withNetwork(network).withNetworkAliases("echo");
 * WsChaosContainer chaos = new WsChaosContainer().withNetwork(network)
 *         .withStandaloneProxy("ws://echo:8080/echo", "strip-upgrade-headers");
 * // a client on the host connects to chaos.standaloneProxyUri("/echo")
 * }</pre>
 *
 * <p>The image is never pulled (it is not published): when it is not in the local Docker engine, {@link #start()}
 * fails with a message saying how to build it.
 */
public class WsChaosContainer extends GenericContainer<WsChaosContainer> {

    /** The image's repository. */
    public static final String IMAGE = "wschaos/wschaos";

    /** The control API's port in the container. */
    public static final int CONTROL_PORT = 8474;

    /** The first proxy port in the container. */
    public static final int FIRST_PROXY_PORT = 8666;

    /** How many proxy ports are exposed, from {@link #FIRST_PROXY_PORT} on (Toxiproxy's image exposes as many). */
    public static final int PROXY_PORT_COUNT = 32;

    private final AtomicInteger nextPort = new AtomicInteger(FIRST_PROXY_PORT);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private boolean standalone;

    /** The image of this library's version, {@code wschaos/wschaos:VERSION}. */
    public WsChaosContainer() {
        this(defaultImage());
    }

    /**
     * A container of {@code image}, which must be the wschaos image or one built from it.
     *
     * @param image e.g. {@code DockerImageName.parse("wschaos/wschaos:latest")}
     */
    public WsChaosContainer(DockerImageName image) {
        super(Objects.requireNonNull(image, "image"));
        withImagePullPolicy(name -> false);
        withCommand("server", "--api", "0.0.0.0:" + CONTROL_PORT, "--allow-non-loopback");
        addExposedPort(CONTROL_PORT);
        for (int i = 0; i < PROXY_PORT_COUNT; i++) {
            addExposedPort(FIRST_PROXY_PORT + i);
        }
        waitingFor(Wait.forHttp("/version").forPort(CONTROL_PORT));
    }

    /** {@code wschaos/wschaos:VERSION}, the version of this library. */
    public static DockerImageName defaultImage() {
        return DockerImageName.parse(IMAGE + ":" + version());
    }

    /**
     * Runs the standalone proxy instead of the control API: one proxy to {@code upstream}, with {@code faults} as
     * {@code wschaos proxy --fault} takes them ({@code NAME} or {@code NAME=VALUE}, e.g. {@code "drop-idle=2s"}),
     * listening on {@link #FIRST_PROXY_PORT}.
     *
     * @param upstream {@code ws://host:port/path} as seen from the container (a network alias, or
     *        {@code host.testcontainers.internal})
     * @param faults the faults, armed for every connection
     * @return this
     */
    public WsChaosContainer withStandaloneProxy(String upstream, String... faults) {
        Objects.requireNonNull(upstream, "upstream");
        List<String> command = new ArrayList<>(List.of("proxy", "--upstream", upstream,
                "--listen", "0.0.0.0:" + FIRST_PROXY_PORT, "--allow-non-loopback"));
        for (String fault : faults) {
            command.add("--fault");
            command.add(fault);
        }
        standalone = true;
        setExposedPorts(List.of(FIRST_PROXY_PORT));
        setCommand(command.toArray(String[]::new));
        // The proxy's own line: Docker's port forwarder accepts connections before the JVM listens.
        waitingFor(Wait.forLogMessage(".*wschaos proxy listening.*", 1));
        return this;
    }

    /**
     * Where a client on the host reaches the standalone proxy.
     *
     * @param pathAndQuery e.g. {@code "/echo"}
     * @return {@code ws://host:mappedPort/pathAndQuery}
     */
    public URI standaloneProxyUri(String pathAndQuery) {
        if (!standalone) {
            throw new IllegalStateException("This container runs the control API, not the standalone proxy: use "
                    + "proxy(name, upstream).uri(), or withStandaloneProxy(upstream, faults...) before start()");
        }
        return hostUri("ws", FIRST_PROXY_PORT, pathAndQuery);
    }

    /** The control API's address from the host: {@code http://host:mappedPort}. */
    public URI controlUri() {
        return hostUri("http", CONTROL_PORT, "");
    }

    /**
     * Creates a proxy through the control API, on the next free proxy port.
     *
     * @param name the proxy's name, unique in this container
     * @param upstream {@code host:port} or {@code ws://host:port/path} as seen from the container
     * @return a handle that arms faults on it
     */
    public Proxy proxy(String name, String upstream) {
        int port = nextPort.getAndIncrement();
        if (port >= FIRST_PROXY_PORT + PROXY_PORT_COUNT) {
            throw new IllegalStateException("All " + PROXY_PORT_COUNT + " proxy ports are taken; reuse a proxy");
        }
        send("POST", "/proxies", "{\"name\":" + json(name) + ",\"listen\":\"0.0.0.0:" + port + "\",\"upstream\":"
                + json(upstream) + ",\"enabled\":true}");
        return new Proxy(name, port);
    }

    @Override
    protected void configure() {
        super.configure();
        String image = getDockerImageName();
        try {
            DockerClientFactory.lazyClient().inspectImageCmd(image).exec();
        } catch (NotFoundException e) {
            throw new IllegalStateException("Image " + image + " is not in the local Docker engine, and it is not published "
                    + "anywhere to pull: build it from the project with docker/build-images.sh (after ./mvnw -B -q "
                    + "-DskipTests package -pl harness -am), or pass the name of the image you built to new WsChaosContainer(image)", e);
        }
    }

    private URI hostUri(String scheme, int port, String pathAndQuery) {
        String host = "localhost".equals(getHost()) ? "127.0.0.1" : getHost();
        return URI.create(scheme + "://" + host + ":" + getMappedPort(port) + pathAndQuery);
    }

    private String send(String method, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(controlUri().resolve(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + controlUri().resolve(path) + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String json(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String version() {
        Properties properties = new Properties();
        try (InputStream in = WsChaosContainer.class.getResourceAsStream("wschaos-testcontainers.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version", "latest");
    }

    /** A proxy created through the control API: its address and its faults (toxics). */
    public final class Proxy {
        private final String name;
        private final int containerPort;

        private Proxy(String name, int containerPort) {
            this.name = name;
            this.containerPort = containerPort;
        }

        /** The proxy's name. */
        public String name() {
            return name;
        }

        /** The port the proxy listens on inside the container (for other containers on the network). */
        public int containerPort() {
            return containerPort;
        }

        /**
         * Where a client on the host connects.
         *
         * @param pathAndQuery e.g. {@code "/echo"}
         * @return {@code ws://host:mappedPort/pathAndQuery}
         */
        public URI uri(String pathAndQuery) {
            return hostUri("ws", containerPort, pathAndQuery);
        }

        /**
         * Arms a fault as a toxic on the downstream side, for every connection.
         *
         * @param toxicName its name, to remove it later
         * @param type the toxic type, e.g. {@code strip_upgrade_headers}, {@code drop_idle}, {@code latency}
         * @param attributes its attributes (numbers and strings), e.g. {@code Map.of("timeout", 2000)}
         * @return this
         */
        public Proxy arm(String toxicName, String type, Map<String, ?> attributes) {
            StringBuilder attrs = new StringBuilder("{");
            attributes.forEach((key, value) -> {
                if (attrs.length() > 1) {
                    attrs.append(',');
                }
                attrs.append(json(key)).append(':').append(value instanceof Number ? value.toString() : json(String.valueOf(value)));
            });
            attrs.append('}');
            send("POST", "/proxies/" + name + "/toxics", "{\"name\":" + json(toxicName) + ",\"type\":" + json(type)
                    + ",\"stream\":\"downstream\",\"toxicity\":1.0,\"attributes\":" + attrs + "}");
            return this;
        }

        /**
         * Removes a fault armed with {@link #arm}.
         *
         * @param toxicName its name
         */
        public void disarm(String toxicName) {
            send("DELETE", "/proxies/" + name + "/toxics/" + toxicName, null);
        }

        /** Deletes the proxy. */
        public void delete() {
            send("DELETE", "/proxies/" + name, null);
        }
    }
}
