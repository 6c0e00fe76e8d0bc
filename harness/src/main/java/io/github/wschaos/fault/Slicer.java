package io.github.wschaos.fault;

import java.time.Duration;

/**
 * Toxiproxy's {@code slicer} toxic: TCP fragmentation. Each chunk of bytes is cut, the way Toxiproxy cuts it (halves
 * split again until small enough, each cut moved by up to {@code sizeVariation} either way, drawn from the proxy's
 * seed), into pieces of at most {@code averageSize + sizeVariation} bytes, and the pieces are sent one by one with
 * {@code delay} after each.
 *
 * <p>The client observes its reads returning small pieces (a WebSocket frame, or the {@code 101} response, split
 * across several TCP segments) spread over time; a correct client reassembles them. It acts from the moment of
 * connection and on the connections already open when it is armed; disarming passes the held bytes on at once.
 * The delay is multiplied by the proxy's time scale (Toxiproxy gives it in microseconds).
 *
 * @param averageSize the average piece size in bytes, at least 1
 * @param sizeVariation how far a cut may move either way, in bytes, from 0 to {@code averageSize} (toxiproxy-node-client's
 *     own tests use a variation equal to the average)
 * @param delay the pause after each piece, zero or more
 * @param direction which traffic is sliced (Toxiproxy's {@code stream}: upstream is client to server)
 */
public record Slicer(int averageSize, int sizeVariation, Duration delay, Direction direction) implements Fault {

    public Slicer {
        Checks.atLeast("slicer average size (bytes)", averageSize, 1, "64");
        if (sizeVariation < 0 || sizeVariation > averageSize) {
            // Toxiproxy takes a larger one too, then cuts a slice of negative length and crashes.
            throw new IllegalArgumentException("slicer size variation " + sizeVariation + " is outside 0.."
                    + averageSize + ": it must be zero or more and at most the average size " + averageSize);
        }
        Checks.notNegative("slicer delay", delay);
        Checks.direction(direction);
    }

    @Override
    public String name() {
        return "slicer";
    }

    @Override
    public Stage stage() {
        return Stage.BYTES;
    }
}
