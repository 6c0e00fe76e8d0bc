package io.github.wschaos.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The code the recording says a client reports for a server's close frame: the frame's own, but 1006 for a code that
 * must never be sent (RFC 6455, section 7.4.1), as Chromium 156 reports them (measured: a close with 1005 gave
 * {@code onclose} 1006, not clean).
 */
class ReportedCodeTest {

    @ParameterizedTest(name = "close {0} reported as {1}")
    @CsvSource({"1000, 1000", "4001, 4001", "1005, 1006", "1006, 1006", "1015, 1006"})
    void aCloseFrameFromTheServerIsReportedAsAClientReportsIt(int sent, int reported) throws Exception {
        byte[] close = {(byte) 0x88, 2, (byte) (sent >> 8), (byte) sent};
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(""), close);
                    connection.shutdownOutput();
                    connection.readToEnd();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            try (RawHttp http = RawHttp.connect(proxy.address())) {
                http.send(RawHttp.upgradeRequest(proxy.address(), "/"));
                http.readToEnd();
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.recording().attempt(1).isClosed());
            CloseInfo info = proxy.recording().attempt(1).close().orElseThrow();
            assertThat(info.code()).hasValue(sent);
            assertThat(info.reportedCode()).isEqualTo(reported);
        }
    }
}
