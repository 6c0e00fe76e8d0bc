package io.github.wschaos.fault;

import java.util.Objects;

/**
 * A half-open connection: all data in {@code direction} stops (is read and dropped) while both TCP connections
 * stay open. Only a heartbeat with a timeout detects it.
 *
 * @param direction which traffic stops
 */
public record HalfOpen(Direction direction) implements Fault {

    public HalfOpen {
        Objects.requireNonNull(direction, "direction");
    }

    @Override
    public String name() {
        return "half-open";
    }

    @Override
    public Stage stage() {
        return Stage.FRAMES;
    }
}
