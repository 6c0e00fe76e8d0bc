package io.github.wschaos.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.testing.NodeChunkedHttpServer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** How the answer to the upgrade request is read: its body as a client sees it, its time as a client measures it. */
class UpgradeAnswerTest {

    private static final Pattern TIME = Pattern.compile(" in (\\d+) ms");

    @Test
    void chunkedBodyOnAKeptAliveConnectionIsDecodedAndTimedAtTheHead() {
        try (NodeChunkedHttpServer node = NodeChunkedHttpServer.start()) {
            DiagnosisReport report = Diagnostics.builder(node.uri()).run();

            String evidence = report.check("upgrade").evidence();
            assertThat(evidence).as(report.toText()).startsWith("HTTP/1.1 426 Upgrade Required in ")
                    .endsWith("\nbody: Upgrade Required");
            Matcher time = TIME.matcher(evidence);
            assertThat(time.find()).as(evidence).isTrue();
            // Node answers on loopback in a few ms; reading the body until a read timed out took 500 ms more.
            assertThat(Long.parseLong(time.group(1)))
                    .as("the 426's time in %s (the connection stays open after the last chunk)", evidence)
                    .isLessThan(400);
            assertThat(report.cause()).contains(Cause.PROXY_WITHOUT_UPGRADE);
        }
    }
}
