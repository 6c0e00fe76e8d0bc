package io.github.wschaos.fault;

import java.util.Objects;

/**
 * A middlebox that drops pings and pongs in {@code direction} while everything else flows and TCP stays open.
 * A client that relies on pongs to detect a dead connection times out its heartbeat; one that does not, never
 * notices. Close frames are not swallowed.
 *
 * @param direction which traffic loses its pings and pongs
 */
public record SwallowControlFrames(Direction direction) implements Fault {

    public SwallowControlFrames {
        Objects.requireNonNull(direction, "direction");
    }

    @Override
    public String name() {
        return "swallow-pings";
    }

    @Override
    public Stage stage() {
        return Stage.FRAMES;
    }
}
