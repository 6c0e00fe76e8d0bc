package io.github.wschaos.fault;

import io.github.wschaos.Durations;
import java.time.Duration;
import java.util.List;

/**
 * The faults that real platforms apply, under their names, with the numbers from their documentation.
 * Durations are production values; the proxy's time scale shrinks them for tests
 * ({@code ChaosProxy.builder().timeScale(0.01)} turns 60 s into 600 ms).
 */
public final class Profiles {

    private Profiles() {
    }

    /**
     * nginx in front of a WebSocket server without {@code proxy_http_version 1.1},
     * {@code proxy_set_header Upgrade $http_upgrade} and {@code proxy_set_header Connection "upgrade"}: nginx
     * speaks HTTP/1.0 to the upstream and drops the hop-by-hop headers, so the upstream never upgrades.
     * Source: nginx's "WebSocket proxying" documentation (nginx.org/en/docs/http/websocket.html).
     */
    public static List<Fault> nginxWithoutUpgradeConfiguration() {
        return List.of(Faults.stripUpgradeHeaders());
    }

    /**
     * nginx with the upgrade configured but its default {@code proxy_read_timeout} of 60 s: a WebSocket is closed
     * when nothing goes through it for 60 s. The documentation speaks of reads from the upstream, but on an upgraded
     * connection nginx re-arms the timer whenever it handles the connection, so data either way keeps it open
     * (measured with nginx 1.22.1: a client that sends while the upstream is silent keeps its connection; nginx's
     * timers are re-armed lazily, up to 300 ms early).
     * Source: ngx_http_proxy_module documentation, {@code proxy_read_timeout}; measured with nginx 1.22.1.
     */
    public static List<Fault> nginxDefaults() {
        return List.of(Faults.dropIdleConnections(Duration.ofSeconds(60), IdleTimer.ANY_DATA));
    }

    /**
     * Heroku's router: a WebSocket with no data in either direction for 55 s is closed.
     * Source: Heroku Dev Center, "WebSockets on Heroku", timeouts (55-second idle window).
     */
    public static List<Fault> herokuRouter() {
        return List.of(Faults.dropIdleConnections(Duration.ofSeconds(55), IdleTimer.ANY_DATA));
    }

    /**
     * An AWS Application Load Balancer with its default idle timeout of 60 s (data in either direction resets it).
     * Source: AWS Elastic Load Balancing documentation, "Connection idle timeout" (default 60 s, 1-4000 s).
     */
    public static List<Fault> awsAlb() {
        return awsAlb(Duration.ofSeconds(60));
    }

    /**
     * An AWS Application Load Balancer with a configured idle timeout.
     *
     * @param idleTimeout 1 to 4000 seconds, as the load balancer accepts
     */
    public static List<Fault> awsAlb(Duration idleTimeout) {
        if (idleTimeout == null || idleTimeout.compareTo(Duration.ofSeconds(1)) < 0
                || idleTimeout.compareTo(Duration.ofSeconds(4000)) > 0) {
            throw new IllegalArgumentException("ALB idle timeout " + (idleTimeout == null ? "null" : Durations.format(idleTimeout))
                    + " is outside 1-4000 seconds");
        }
        return List.of(Faults.dropIdleConnections(idleTimeout, IdleTimer.ANY_DATA));
    }
}
