package io.github.wschaos.testcontainers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *   <li><b>Control API</b> (the image's default command, {@code wschaos server --api 0.0.0.0:8474
 *       --allow-non-loopback}): the Toxiproxy-compatible HTTP API on {@link #CONTROL_PORT}, proxies created at run
 *       time on {@link #FIRST_PROXY_PORT} and the ports after it, {@value #PROXY_PORT_COUNT} in all (8666-8697, as
 *       Toxiproxy's image and Testcontainers' {@code ToxiproxyContainer} use them). {@link #proxy(String, String)}
 *       creates one and returns a {@link Proxy} handle that arms faults as toxics; toxiproxy-java works against
 *       {@link #controlUri()} as well.</li>
 *   <li><b>Standalone proxy</b> ({@link #withStandaloneProxy(String, String...)}): one proxy, its faults given on the
 *       command line, listening on {@link #FIRST_PROXY_PORT}; no control API.</li>
 * </ul>
 *
 * <pre>{@code
 * WsChaosContainer chaos = LoopbackPorts.publishOnLoopback(new WsChaosContainer());
 * chaos.start();
 * WsChaosContainer.Proxy proxy = chaos.proxy("echo", "echo:8080");     // upstream as the container sees it
 * try (WsChaosContainer.Toxic strip = proxy.arm("no-upgrade", "strip_upgrade_headers", Map.of())) {
 *     // a client connecting to proxy.uri("/echo") gets the upstream's own answer to a plain GET (e.g. 426)
 * }
 * }</pre>
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

    /**
     * How many proxy ports are exposed by default, from {@link #FIRST_PROXY_PORT} on: 8666-8697, as Testcontainers'
     * {@code ToxiproxyContainer} exposes them.
     */
    public static final int PROXY_PORT_COUNT = 32;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AtomicInteger nextPort = new AtomicInteger(FIRST_PROXY_PORT);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private boolean standalone;
    private int proxyPortCount = PROXY_PORT_COUNT;

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
        // The image's default command runs the control API on CONTROL_PORT (as Toxiproxy's image does).
        exposeControlAndProxyPorts();
        waitingFor(Wait.forHttp("/version").forPort(CONTROL_PORT));
    }

    /**
     * Exposes only the first {@code count} proxy ports (from {@link #FIRST_PROXY_PORT}) instead of
     * {@value #PROXY_PORT_COUNT}. Every published port costs the Docker engine a forwarding rule: measured on a busy
     * 2-core machine (load average 17), creating, starting and removing a container with 33 published ports took about
     * 10 s, with 1 port about 2 s.
     *
     * @param count 1 to {@value #PROXY_PORT_COUNT}
     * @return this
     */
    public WsChaosContainer withProxyPortCount(int count) {
        if (count < 1 || count > PROXY_PORT_COUNT) {
            throw new IllegalArgumentException("proxy port count " + count + " is out of range; accepted are 1 to "
                    + PROXY_PORT_COUNT + " (ports " + FIRST_PROXY_PORT + "-" + (FIRST_PROXY_PORT + PROXY_PORT_COUNT - 1) + ")");
        }
        requireControlApi("withProxyPortCount");
        proxyPortCount = count;
        exposeControlAndProxyPorts();
        return this;
    }

    private void requireControlApi(String call) {
        if (standalone) {
            throw new IllegalStateException(call + " needs the control API, but this container runs the standalone proxy "
                    + "(withStandaloneProxy); drop withStandaloneProxy to get the control API, the image's default");
        }
    }

    private void exposeControlAndProxyPorts() {
        List<Integer> ports = new ArrayList<>(List.of(CONTROL_PORT));
        for (int i = 0; i < proxyPortCount; i++) {
            ports.add(FIRST_PROXY_PORT + i);
        }
        setExposedPorts(ports);
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
        // The proxy's own line: Docker's port forwarder accepts connections before the JVM listens. A bad fault or
        // upstream ends the container at once, and start() fails then with the proxy's own message.
        waitingFor(new StandaloneProxyStarted());
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
        requireControlApi("controlUri()");
        requireStarted("controlUri()");
        return hostUri("http", CONTROL_PORT, "");
    }

    /**
     * Creates a proxy through the control API, on the next free proxy port.
     *
     * @param name the proxy's name, unique in this container
     * @param upstream {@code host:port} or {@code ws://host:port/path} as seen from the container (a network alias,
     *        or {@code 127.0.0.1} for a container sharing this one's network namespace)
     * @return a handle that arms faults on it
     * @throws IllegalStateException when all exposed proxy ports are taken, or the API refuses
     */
    public synchronized Proxy proxy(String name, String upstream) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(upstream, "upstream");
        requireControlApi("proxy(name, upstream)");
        requireStarted("proxy(name, upstream)");
        int port = nextPort.get();
        if (port >= FIRST_PROXY_PORT + proxyPortCount) {
            throw new IllegalStateException("All " + proxyPortCount + " exposed proxy ports (" + FIRST_PROXY_PORT + "-"
                    + (FIRST_PROXY_PORT + proxyPortCount - 1) + ") are taken: a deleted proxy's port is not reused; "
                    + "expose more with withProxyPortCount (up to " + PROXY_PORT_COUNT + ")");
        }
        ObjectNode body = JSON.createObjectNode().put("name", name).put("listen", "0.0.0.0:" + port)
                .put("upstream", upstream).put("enabled", true);
        send("POST", "/proxies", body);
        nextPort.incrementAndGet(); // only once the API took it: a refused proxy leaves its port free
        return new Proxy(name, port);
    }

    private void requireStarted(String call) {
        if (getContainerId() == null) {
            throw new IllegalStateException(call + " needs the container started: call start() first (or let"
                    + " @Container start it)");
        }
    }

    /** {@code name} as one path segment of the control API's URLs. */
    private static String segment(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
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
        return URI.create(scheme + "://" + ContainerUpstream.ipv4Host(this) + ":" + getMappedPort(port) + pathAndQuery);
    }

    private String send(String method, String path, ObjectNode body) {
        URI target = controlUri().resolve(path);
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(target)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(10))
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + body + " as JSON: " + e.getOriginalMessage(), e);
        }
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(method + " " + target + " answered " + response.statusCode() + ": "
                        + response.body().strip());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + target + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + target + " interrupted", e);
        }
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
         * Arms a fault as a toxic, for every connection, until the returned handle is closed. The types are
         * Toxiproxy's TCP toxics ({@code latency}, {@code bandwidth}, {@code timeout}, {@code reset_peer}, ...) and
         * wschaos's faults under their catalogue names with {@code _} ({@code strip_upgrade_headers},
         * {@code drop_idle}, {@code reject_origins}, {@code close_with_code}, ...); see the README's "Coming from
         * Toxiproxy" for their attributes.
         *
         * @param toxicName its name, unique on this proxy
         * @param type the toxic type
         * @param attributes its attributes: numbers, strings, booleans, lists and maps of them, e.g.
         *        {@code Map.of("timeout", 2000)} or {@code Map.of("allowed", List.of("https://app.example"))}
         * @return the armed toxic; closing it removes it
         * @throws IllegalStateException with the API's answer when it refuses the toxic (unknown type or attribute)
         */
        public Toxic arm(String toxicName, String type, Map<String, ?> attributes) {
            return arm(toxicName, type, "downstream", 1.0, attributes);
        }

        /**
         * Arms a fault as a toxic, as {@link #arm(String, String, Map)} does, on a direction and for a share of the
         * connections.
         *
         * @param toxicName its name, unique on this proxy; empty for the API's default ({@code TYPE_STREAM})
         * @param type the toxic type
         * @param stream {@code downstream} (towards the client) or {@code upstream}, for Toxiproxy's TCP toxics
         * @param toxicity the share of connections it acts on, 0 to 1
         * @param attributes its attributes
         * @return the armed toxic, under the name the API gave it; closing it removes it
         * @throws IllegalStateException with the API's answer when it refuses the toxic
         */
        public Toxic arm(String toxicName, String type, String stream, double toxicity, Map<String, ?> attributes) {
            Objects.requireNonNull(toxicName, "toxicName");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(stream, "stream");
            ObjectNode toxic = JSON.createObjectNode().put("name", toxicName).put("type", type)
                    .put("stream", stream).put("toxicity", toxicity);
            toxic.set("attributes", JSON.valueToTree(Objects.requireNonNull(attributes, "attributes")));
            String answer = send("POST", "/proxies/" + segment(name) + "/toxics", toxic);
            String given = toxicName;
            try {
                given = JSON.readTree(answer).path("name").asText(toxicName);
            } catch (JsonProcessingException e) {
                // keep the name asked for: the API answered something else than its toxic
            }
            return new Toxic(this, given);
        }

        /** Deletes the proxy (its port is not reused). */
        public void delete() {
            send("DELETE", "/proxies/" + segment(name), null);
        }
    }

    /** A toxic armed with {@link Proxy#arm}: {@link #close()} removes it, and connections go back to being relayed. */
    public final class Toxic implements AutoCloseable {
        private final Proxy proxy;
        private final String name;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Toxic(Proxy proxy, String name) {
            this.proxy = proxy;
            this.name = name;
        }

        /** The toxic's name. */
        public String name() {
            return name;
        }

        /** Removes the toxic; closing it again does nothing. */
        @Override
        public void close() {
            if (!closed.get()) {
                send("DELETE", "/proxies/" + segment(proxy.name()) + "/toxics/" + segment(name), null);
                closed.set(true); // only once removed: a failed removal can be tried again
            }
        }
    }
}
