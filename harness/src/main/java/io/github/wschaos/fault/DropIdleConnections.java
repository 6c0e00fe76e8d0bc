package io.github.wschaos.fault;

import java.time.Duration;
import java.util.Objects;

/**
 * Closes a connection that has been idle for {@code timeout}, as nginx's {@code proxy_read_timeout} (60 s by default),
 * Heroku's router (55 s) and AWS ALB's idle timeout (60 s by default) do.
 *
 * <p>On an upgraded connection:
 * <p>Both TCP connections are closed with a FIN and no close frame ({@link IdleCut#FIN}): the client reports
 * {@code 1006} (JDK: {@code onClose} 1006; OkHttp: {@code onFailure} with an {@code EOFException}; Java-WebSocket:
 * close 1006 remote); or reset ({@link IdleCut#RESET}), as an Azure Load Balancer with "TCP reset on idle" does:
 * the client reports a reset; or with a close frame {@code 1001 "Connection Idle Timeout"} to both sides
 * ({@link IdleCut#GOING_AWAY}), as a WebSocket server's own idle timeout (Jetty's) does: the client reports 1001.
 * {@code resetOn} says which traffic counts as activity; pings and pongs are data.
 *
 * <p>Before the upgrade, a plain HTTP exchange (a WebSocket upgrade request included) is timed from the moment its
 * request is relayed to the upstream until its answer ends, as nginx times it (measured with nginx 1.22.1): a request
 * whose answer does not start in time gets the proxy's own {@code 504 Gateway Time-out} (nginx's page; the proxy then
 * closes the connection, where nginx keeps it) and the upstream connection is closed; an answer under way that stalls
 * (server-sent events, SockJS's {@code xhr_streaming}, a long poll's body) is cut short by closing both connections.
 * With {@link IdleCut#RESET} both connections are reset instead; {@link IdleCut#GOING_AWAY} does not apply before the
 * upgrade. A keep-alive connection with no request outstanding is not timed. On a plain exchange the fault counts as
 * hitting a connection (its {@code hits}, the record's faults) when it cuts it, since only then does its target decide.
 *
 * <p>The timeout is multiplied by the proxy's time scale.
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
