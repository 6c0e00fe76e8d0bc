package io.github.wschaos.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The transport the proxy runs on: the best available by default, the one {@code -Dwschaos.transport} names. */
class TransportTest {

    @Test
    void defaultIsTheFirstAvailableOfIoUringEpollAndNio() {
        Transport expected = IoUring.isAvailable() ? Transport.IO_URING : Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO;
        assertThat(Transport.select(null)).isEqualTo(expected);
        assertThat(Transport.select(" ")).isEqualTo(expected);
    }

    @Test
    void propertyForcesATransportByName() {
        assertThat(Transport.select("nio")).isEqualTo(Transport.NIO);
        assertThat(Transport.select("NIO")).isEqualTo(Transport.NIO);
        if (Epoll.isAvailable()) {
            assertThat(Transport.select("epoll")).isEqualTo(Transport.EPOLL);
        } else {
            assertThatThrownBy(() -> Transport.select("epoll")).hasMessageContaining("not available here");
        }
    }

    @Test
    void anUnknownNameIsRejectedNamingTheValueAndWhatIsAccepted() {
        assertThatThrownBy(() -> Transport.select("kqueue"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dwschaos.transport=kqueue is not a transport; accepted are io_uring, epoll, nio, "
                        + "or no value for the best available");
    }

    /** What Maven's nearest-wins left next to Vert.x 5.0.5 when wschaos brought the native transports (measured). */
    private static final Map<String, String> VERTX_5_MIX = Map.of(
            "netty-common", "4.2.7.Final",
            "netty-transport", "4.2.7.Final",
            "netty-transport-native-unix-common", "4.2.7.Final",
            "netty-codec-http", "4.2.7.Final",
            "netty-transport-classes-io_uring", "4.2.18.Final",
            "netty-transport-native-io_uring", "4.2.18.Final",
            "netty-transport-classes-epoll", "4.2.18.Final",
            "netty-transport-native-epoll", "4.2.18.Final");

    @Test
    void aNativeTransportOfAnotherReleaseThanNettyTransportIsSkippedNamingBothAndTheFix() {
        assertThat(Transport.mismatch(Transport.IO_URING, VERTX_5_MIX))
                .startsWith("the classpath has netty-transport-classes-io_uring"
                        + " 4.2.18.Final, netty-transport-native-io_uring 4.2.18.Final next to netty-transport 4.2.7.Final")
                .contains("To have io_uring, bring every Netty jar to one release: import the BOM io.netty:netty-bom:"
                        + NettyVersions.BUILT_WITH);
        assertThat(Transport.mismatch(Transport.EPOLL, VERTX_5_MIX))
                .contains("netty-transport-classes-epoll 4.2.18.Final, netty-transport-native-epoll 4.2.18.Final next to"
                        + " netty-transport 4.2.7.Final");
        assertThat(Transport.mismatch(Transport.NIO, VERTX_5_MIX)).isNull();

        assertThat(Transport.select(null, VERTX_5_MIX)).isEqualTo(Transport.NIO);
    }

    @Test
    void jniHelpersOfAnotherReleaseAlsoMakeAMismatch() {
        assertThat(Transport.mismatch(Transport.IO_URING, Map.of("netty-transport", "4.2.18.Final",
                "netty-transport-classes-io_uring", "4.2.18.Final", "netty-transport-native-unix-common", "4.2.7.Final")))
                .contains("the classpath has netty-transport-native-unix-common 4.2.7.Final next to netty-transport 4.2.18.Final");
    }

    @Test
    void oneReleaseAbsentJarsAndUnknownVersionsAreNoMismatch() {
        Map<String, String> one = Map.of("netty-transport", "4.2.7.Final", "netty-transport-native-unix-common", "4.2.7.Final",
                "netty-transport-classes-io_uring", "4.2.7.Final", "netty-transport-native-io_uring", "4.2.7.Final");
        assertThat(Transport.mismatch(Transport.IO_URING, one)).isNull();
        // no epoll jars: not a mismatch (their absence makes epoll unavailable instead), even with JNI helpers of
        // another release than netty-transport's
        assertThat(Transport.mismatch(Transport.EPOLL, one)).isNull();
        assertThat(Transport.mismatch(Transport.EPOLL, Map.of("netty-transport", "4.2.7.Final",
                "netty-transport-native-unix-common", "4.2.18.Final"))).isNull();
        // without netty-transport's version file nothing is judged
        assertThat(Transport.mismatch(Transport.IO_URING, Map.of("netty-transport-classes-io_uring", "4.2.18.Final"))).isNull();
        assertThat(Transport.mismatch(Transport.IO_URING, Map.of())).isNull();
    }

    @Test
    void theNettyOfTheseTestsIsOneRelease() {
        Map<String, String> versions = new java.util.HashMap<>();
        io.netty.util.Version.identify().forEach((artifact, version) -> versions.put(artifact, version.artifactVersion()));
        for (Transport transport : Transport.values()) {
            assertThat(Transport.mismatch(transport, versions)).as(transport.label()).isNull();
        }
    }

    @Test
    void aForcedTransportIsTriedDespiteAMismatchAndFailsOnlyIfItCannotRun() {
        // The mismatch decides the automatic choice only: forced, a transport that links and runs is used.
        if (IoUring.isAvailable()) {
            assertThat(Transport.select("io_uring", VERTX_5_MIX)).isEqualTo(Transport.IO_URING);
        } else {
            assertThatThrownBy(() -> Transport.select("io_uring", VERTX_5_MIX))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("-Dwschaos.transport=io_uring: the io_uring transport is not available here")
                    .hasMessageContaining("netty-transport-classes-io_uring 4.2.18.Final");
        }
    }
}
