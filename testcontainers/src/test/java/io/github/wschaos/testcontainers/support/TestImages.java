package io.github.wschaos.testcontainers.support;

import com.github.dockerjava.api.exception.NotFoundException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.ImagePullPolicy;
import org.testcontainers.utility.DockerImageName;

/** The images the build makes (docker/build-images.sh, run by Maven before the tests), and containers of them. */
public final class TestImages {

    /** The tag the build gave the images: the project version. */
    public static final String TAG = System.getProperty("wschaos.image.tag", "latest");

    /** The echo server and the reconnecting client. */
    public static final DockerImageName PEER = DockerImageName.parse("wschaos/test-peer:" + TAG);

    /** The standalone proxy. */
    public static final DockerImageName WSCHAOS = DockerImageName.parse("wschaos/wschaos:" + TAG);

    /** Local images only: nothing can be pulled. */
    public static final ImagePullPolicy NEVER_PULL = image -> false;

    /** The echo server's main class. */
    public static final String ECHO_MAIN = "io.github.wschaos.testcontainers.peer.EchoServerMain";

    /** The client's main class. */
    public static final String CLIENT_MAIN = "io.github.wschaos.testcontainers.peer.ReconnectingClientMain";

    private TestImages() {
    }

    /** Fails with what to do when {@code image} is not in the local engine. */
    public static void requirePresent(DockerImageName image) {
        try {
            DockerClientFactory.lazyClient().inspectImageCmd(image.asCanonicalNameString()).exec();
        } catch (NotFoundException e) {
            throw new IllegalStateException("Image " + image.asCanonicalNameString() + " is not in the local Docker engine; "
                    + "the build makes it before the tests (./mvnw -B verify, or docker/build-images.sh --help)", e);
        }
    }

    /** An echo server container listening on 8080, exposed. */
    @SuppressWarnings("resource")
    public static GenericContainer<?> echoServer() {
        return new GenericContainer<>(PEER)
                .withImagePullPolicy(NEVER_PULL)
                .withCommand(ECHO_MAIN, "0.0.0.0", "8080")
                .withExposedPorts(8080)
                .waitingFor(Wait.forLogMessage(".*LISTENING 8080.*", 1));
    }

    /**
     * An echo server in the network namespace of {@code neighbour} (a started container), listening on its loopback
     * at {@code 127.0.0.1:8080}: the neighbour reaches it there, and nothing else does.
     */
    @SuppressWarnings("resource")
    public static GenericContainer<?> echoServerBeside(GenericContainer<?> neighbour) {
        return new GenericContainer<>(PEER)
                .withImagePullPolicy(NEVER_PULL)
                .withNetworkMode("container:" + neighbour.getContainerId())
                .withCommand(ECHO_MAIN, "127.0.0.1", "8080")
                .waitingFor(Wait.forLogMessage(".*LISTENING 8080.*", 1));
    }

    /** The host a container's mapped ports are reached on, as an address: 127.0.0.1 for "localhost". */
    public static String host(GenericContainer<?> container) {
        return "localhost".equals(container.getHost()) ? "127.0.0.1" : container.getHost();
    }
}
