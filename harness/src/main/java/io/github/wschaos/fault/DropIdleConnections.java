package io.github.wschaos.fault;

import java.time.Duration;
import java.util.Objects;

/**
 * Closes an upgraded connection that has been idle for {@code timeout}, as nginx's
 * {@code proxy_read_timeout} (60 s by default), Heroku's router (55 s) and AWS ALB's idle timeout
 * (60 s by default) do.
 *
 * <p>Both TCP connections are closed with a FIN and no close frame ({@link IdleCut#FIN}): the client reports
 * {@code 1006} (JDK: {@code onClose} 1006; OkHttp: {@code onFailure} with an {@code EOFException}; Java-WebSocket:
 * close 1006 remote); or reset ({@link IdleCut#RESET}), as an Azure Load Balancer with "TCP reset on idle" does:
 * the client reports a reset; or with a close frame {@code 1001 "Connection Idle Timeout"} to both sides
 * ({@link IdleCut#GOING_AWAY}), as a WebSocket server's own idle timeout (Jetty's) does: the client reports 1001.
 * {@code resetOn} says which traffic counts as activity; pings and pongs are data.
 * The timeout is multiplied by the proxy's time scale.
 *
 * @param timeout how long a connection may stay idle, positive
 * @param resetOn which traffic resets the timer
 * @param cut how the connection is ended
 */
public record DropIdleConnections(Duration timeout, IdleTimer resetOn, IdleCut cut) implements Fault {

    public DropIdleConnections {
        Checks.positive("idle timeout", timeout);
        Objects.requireNonNull(resetOn, "resetOn");
        Objects.requireNonNull(cut, "cut");
    }

    /** Ends an idle connection with a FIN, as most middleboxes do. */
    public DropIdleConnections(Duration timeout, IdleTimer resetOn) {
        this(timeout, resetOn, IdleCut.FIN);
    }

    @Override
    public String name() {
        return "drop-idle";
    }

    @Override
    public Stage stage() {
        return Stage.FRAMES;
    }
}
