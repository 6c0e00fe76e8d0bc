package io.github.wschaos.fault;

import java.time.Duration;

/**
 * A crash or a NAT table eviction: {@code after} the upgrade (at once for connections already open when armed)
 * both TCP connections are reset (RST), with no close frame. Clients report {@code 1006} or "Connection reset".
 * The delay is multiplied by the proxy's time scale.
 *
 * @param after how long after the upgrade, zero or more
 */
public record ResetConnection(Duration after) implements Fault {

    public ResetConnection {
        Checks.notNegative("reset delay", after);
    }

    @Override
    public String name() {
        return "reset";
    }

    @Override
    public Stage stage() {
        return Stage.FRAMES;
    }
}
