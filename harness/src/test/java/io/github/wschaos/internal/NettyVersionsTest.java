package io.github.wschaos.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Netty check before a proxy starts: a classpath that a dependency manager pinned to Netty 4.1 (Spring Boot's
 * dependency management does) gets an error naming the old jars and the fix, instead of a NoClassDefFoundError.
 */
class NettyVersionsTest {

    @Test
    void theNettyOfTheseTestsPasses() {
        assertThatCode(NettyVersions::check).doesNotThrowAnyException();
        assertThat(NettyVersions.BUILT_WITH).startsWith("4.2.");
    }

    @Test
    void aVersionFileOfARelocatedNetty41DoesNotStopAProxy() {
        // src/test/resources/META-INF/io.netty.versions.properties stands for grpc-netty-shaded's: its Netty 4.1 lives
        // under another package and does not touch the proxy's.
        assertThat(io.netty.util.Version.identify()).containsKey("netty-codec-http2");
        assertThat(io.netty.util.Version.identify().get("netty-codec-http2").artifactVersion()).isEqualTo("4.1.124.Final");

        assertThatCode(NettyVersions::check).doesNotThrowAnyException();
        try (io.github.wschaos.ChaosProxy proxy = io.github.wschaos.ChaosProxy.start(java.net.URI.create("ws://127.0.0.1:9/"))) {
            assertThat(proxy.port()).isPositive();
        }
    }

    @Test
    void aMixWithNetty41NamesTheOldJarsAndTheFix() {
        // What Spring Boot 3.5's dependency management leaves next to wschaos (measured: 4.1.135.Final).
        String problem = NettyVersions.problem(Map.of(
                "netty-common", "4.1.135.Final",
                "netty-transport", "4.1.135.Final",
                "netty-codec-http", "4.1.135.Final",
                "netty-pkitesting", NettyVersions.BUILT_WITH,
                "netty-transport-classes-io_uring", NettyVersions.BUILT_WITH));

        assertThat(problem)
                .contains("wschaos needs Netty 4.2")
                .contains("netty-codec-http 4.1.135.Final, netty-common 4.1.135.Final, netty-transport 4.1.135.Final")
                .doesNotContain("netty-pkitesting")
                .contains("<netty.version>" + NettyVersions.BUILT_WITH + "</netty.version>")
                .contains("io.netty:netty-bom:" + NettyVersions.BUILT_WITH);
    }

    @Test
    void netty42AndLaterAndUnreadableVersionsPass() {
        assertThat(NettyVersions.problem(Map.of("netty-common", "4.2.18.Final", "netty-handler", "4.3.0.Alpha1",
                "netty-buffer", "5.0.0.Final", "netty-custom", "SNAPSHOT"))).isNull();
    }

    @Test
    void anEarly42NamesTheCodecAndTheBom() {
        assertThat(NettyVersions.olderPatchMessage("netty-codec-http 4.2.7.Final"))
                .startsWith("wschaos needs a later Netty 4.2 than the classpath has (it is built and tested with "
                        + NettyVersions.BUILT_WITH + "; netty-codec-http 4.2.7.Final lacks the HTTP parsing it configures)")
                .contains("import the BOM io.netty:netty-bom:" + NettyVersions.BUILT_WITH);
    }
}
