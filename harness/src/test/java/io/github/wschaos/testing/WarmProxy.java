package io.github.wschaos.testing;

import io.github.wschaos.ChaosProxy;
import java.io.IOException;

/**
 * Warms a test JVM up for timing tests: one plain HTTP exchange through a throwaway proxy, so that the first exchange a
 * timing test measures does not carry the loading of the proxy's classes (up to 0.8 s measured on a loaded machine).
 */
public final class WarmProxy {

    private WarmProxy() {
    }

    /** Sends one request through a proxy in front of an upstream that answers it at once, then closes both. */
    public static void warmUp() throws IOException {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    if (connection.readHead() != null) {
                        connection.write(RawUpstream.ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
                    }
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp raw = RawHttp.connect(proxy.address())) {
            raw.send("GET / HTTP/1.1\r\nHost: warm\r\n\r\n").readResponse();
        }
    }
}
