package io.github.wschaos.internal;

import io.github.wschaos.record.Closer;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Reads WebSocket frame headers (RFC 6455, section 5.2) out of a relayed byte stream, incrementally and
 * without consuming or copying the stream: it only looks at the bytes. It counts frames and bytes for the
 * record and reads the status code and reason of every close frame (unmasking it if needed).
 *
 * <p>One scanner per direction; it keeps state across buffers, so headers split between TCP segments are
 * handled. It validates nothing: the relay passes on whatever the peers send.
 */
final class FrameScanner {

    private static final int OPCODE_CLOSE = 8;
    /**
     * How much of a close frame's payload is read for the record: RFC 6455 allows 125 bytes, and a longer one, which
     * the peer fails the connection on, is still its sender's close; its reason is recorded up to 1,022 bytes.
     */
    static final int MAX_CLOSE_PAYLOAD_KEPT = 1024;

    private final Closer sender;
    private final LiveConnection connection;
    private final TrafficCounter counter;
    private java.util.function.IntConsumer onCloseFrame;

    private final FrameHeader header = new FrameHeader();
    private long payloadRemaining;
    private byte[] closePayload;
    private int closePayloadLength;

    FrameScanner(Closer sender, LiveConnection connection, TrafficCounter counter) {
        this(sender, connection, counter, code -> { });
    }

    /** A scanner that also tells {@code onCloseFrame} the code (-1 for none) of every close frame it sees. */
    FrameScanner(Closer sender, LiveConnection connection, TrafficCounter counter, java.util.function.IntConsumer onCloseFrame) {
        this.sender = sender;
        this.connection = connection;
        this.counter = counter;
        this.onCloseFrame = onCloseFrame;
    }

    /** Scans the readable bytes of {@code buffer}, leaving its indexes untouched. */
    void scan(ByteBuf buffer) {
        scan(buffer, false);
    }

    /**
     * Scans the readable bytes of {@code buffer} that belong to the frame in flight, up to its end, leaving the
     * buffer's indexes untouched.
     *
     * @return how many bytes that is, 0 between frames
     */
    int scanToBoundary(ByteBuf buffer) {
        return atBoundary() ? 0 : scan(buffer, true);
    }

    /** The header of the frame in flight: empty between frames, partial while it is read, whole during the payload. */
    FrameHeader header() {
        return header;
    }

    /** How many payload bytes of the frame in flight are still to come. */
    long payloadRemaining() {
        return payloadRemaining;
    }

    /** Whether the scanner is between frames: no byte of a frame's header or payload is outstanding. */
    boolean atBoundary() {
        return payloadRemaining == 0 && header.isEmpty();
    }

    /** From now on tells {@code listener} the code (-1 for none) of every close frame seen. */
    void onCloseFrame(java.util.function.IntConsumer listener) {
        this.onCloseFrame = listener;
    }

    private int scan(ByteBuf buffer, boolean toBoundary) {
        int start = buffer.readerIndex();
        int index = start;
        int end = buffer.writerIndex();
        while (index < end) {
            if (payloadRemaining > 0) {
                int length = (int) Math.min(payloadRemaining, end - index);
                if (closePayload != null && closePayloadLength < closePayload.length) {
                    int kept = Math.min(length, closePayload.length - closePayloadLength);
                    buffer.getBytes(index, closePayload, closePayloadLength, kept);
                    closePayloadLength += kept;
                }
                index += length;
                payloadRemaining -= length;
                if (payloadRemaining == 0) {
                    frameComplete();
                    if (toBoundary) {
                        break;
                    }
                }
            } else if (header.add(buffer.getByte(index++))) {
                headerComplete();
                if (toBoundary && atBoundary()) {
                    break;
                }
            }
        }
        counter.bytes(index - start);
        return index - start;
    }

    /** The header is in: starts the payload. */
    private void headerComplete() {
        long length = header.payloadLength();
        payloadRemaining = length;
        closePayload = header.opcode() == OPCODE_CLOSE ? new byte[(int) Math.min(length, MAX_CLOSE_PAYLOAD_KEPT)] : null;
        closePayloadLength = 0;
        if (payloadRemaining == 0) {
            frameComplete();
        }
    }

    private void frameComplete() {
        counter.frame(header.opcode(), header.fin());
        if (closePayload != null) {
            closeFrame(closePayload);
            closePayload = null;
        }
        header.reset();
    }

    private void closeFrame(byte[] payload) {
        header.unmask(payload);
        int code = -1;
        if (payload.length < 2) {
            connection.closeFrame(sender, code, "");
        } else {
            code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
            connection.closeFrame(sender, code, new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8));
        }
        onCloseFrame.accept(code);
    }
}
