package io.github.wschaos.fault;

/**
 * An armed fault. Closing the handle disarms it: new connections are no longer hit, and connections it is
 * acting on go back to plain relaying where that makes sense (an idle timer stops, swallowed frames flow
 * again). Closing twice is harmless.
 */
public interface FaultHandle extends AutoCloseable {

    /** The fault that was armed. */
    Fault fault();

    /** Which connections it hits. */
    Target target();

    /** How many connections it has hit so far; for a fault that acts on the request head, how many requests. */
    int hits();

    /** Whether it is still armed. */
    boolean isArmed();

    /** Disarms the fault. */
    @Override
    void close();
}
