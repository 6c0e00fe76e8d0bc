package io.github.wschaos.fault;

/**
 * Something that goes wrong between a WebSocket client and its server, the way a real middlebox makes it go
 * wrong. A fault is an immutable value that says what happens and nothing about how; arm it on a running
 * proxy with {@code proxy.inject(fault)} and disarm it by closing the returned {@link FaultHandle}.
 *
 * <p>Every fault documents what the client observes. Build them with {@link Faults}; {@link Profiles}
 * bundles the ones real platforms apply.
 *
 * <p>Toxiproxy's seven TCP toxics are faults here too ({@link Latency}, {@link Bandwidth}, {@link SlowClose},
 * {@link Timeout}, {@link ResetPeer}, {@link Slicer}, {@link LimitData}), with Toxiproxy's semantics and attribute
 * names. Naming rule: the record is Toxiproxy's type in UpperCamelCase, and {@link #name()} is Toxiproxy's type with
 * {@code _} written {@code -}, like every other fault name ({@code slow_close} is {@code slow-close}).
 */
public sealed interface Fault permits StripUpgradeHeaders, DropIdleConnections, ForceTlsMismatch, RejectOrigins,
        RefuseConnections, Blackhole, DelayHandshake, RespondWithStatus, CloseWithCode, ResetConnection,
        SwallowControlFrames, HalfOpen, Latency, Bandwidth, SlowClose, Timeout, ResetPeer, Slicer, LimitData {

    /** The fault's kebab-case name, as used on the command line and in the recording, e.g. {@code drop-idle}. */
    String name();

    /** When in a connection's life the fault acts; decides which targets make sense for it. */
    Stage stage();

    /** The points in a connection's life where faults act. */
    enum Stage {
        /**
         * On accept, before any byte is read: refuse, blackhole, TLS mismatch. The request path is not known yet;
         * refuse and blackhole move to {@link #HANDSHAKE} when their target needs the request.
         */
        CONNECT,
        /** On the request head: mutate it, answer it, or hold it. */
        HANDSHAKE,
        /**
         * After the upgrade, on the frames: idle drops, closes, resets, swallowed frames. Also hits open connections.
         * An idle drop also times plain HTTP exchanges before the upgrade.
         */
        FRAMES,
        /**
         * On the raw TCP bytes of one direction from the moment of connection, the handshake included (TLS records
         * as they are): Toxiproxy's toxics. Also hits open connections. The request path is not known.
         */
        BYTES
    }
}
