package io.github.wschaos.fault;

/**
 * Toxiproxy's {@code limit_data} toxic: once {@code bytes} bytes have passed in the direction (counted from the
 * toxic's start: the connection's start, or the arming for connections already open), the rest of the chunk that
 * reached the limit is dropped and both TCP connections are closed with a FIN and no close frame.
 *
 * <p>The client observes exactly {@code bytes} bytes, then the end of the stream: a message cut short, or a
 * handshake response cut off, and a close without a close frame (JDK client: {@code 1006}). With a limit of zero the
 * connection closes when the first bytes arrive. The connections it closed stay closed; disarming spares the rest.
 *
 * @param bytes how many bytes may pass, zero or more
 * @param direction which traffic is counted (Toxiproxy's {@code stream}: upstream is client to server)
 */
public record LimitData(long bytes, Direction direction) implements Fault {

    public LimitData {
        Checks.atLeast("limit_data bytes", bytes, 0, "1024");
        Checks.direction(direction);
    }

    @Override
    public String name() {
        return "limit-data";
    }

    @Override
    public Stage stage() {
        return Stage.BYTES;
    }
}
