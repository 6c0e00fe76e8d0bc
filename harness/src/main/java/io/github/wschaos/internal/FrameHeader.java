package io.github.wschaos.internal;

import io.netty.buffer.ByteBuf;

/**
 * A WebSocket frame header (RFC 6455, section 5.2) collected byte by byte, so that a header split between two
 * TCP segments is read whole, and decoded once complete. Reused frame after frame: {@link #reset()}.
 */
final class FrameHeader {

    private static final int MAX_SIZE = 14;

    private final byte[] bytes = new byte[MAX_SIZE];
    private int length;

    /** Adds the next byte; true once the header is complete. */
    boolean add(byte next) {
        bytes[length++] = next;
        return length >= 2 && length == size();
    }

    /** Whether no byte of a header has been collected yet. */
    boolean isEmpty() {
        return length == 0;
    }

    /** The header's size in bytes, known from its second byte on. */
    int size() {
        int lengthCode = bytes[1] & 0x7F;
        return 2 + (lengthCode == 126 ? 2 : lengthCode == 127 ? 8 : 0) + (masked() ? 4 : 0);
    }

    boolean fin() {
        return (bytes[0] & 0x80) != 0;
    }

    /** The RSV1-3 bits, 0 unless an extension (permessage-deflate's RSV1 on a message's first frame) sets them. */
    int rsv() {
        return (bytes[0] & 0x70) >> 4;
    }

    int opcode() {
        return bytes[0] & 0x0F;
    }

    boolean masked() {
        return (bytes[1] & 0x80) != 0;
    }

    /**
     * The payload's length. A 64-bit length with its top bit set breaks RFC 6455 (the peer fails the connection on it);
     * it is read as {@link Long#MAX_VALUE}: all that follows on this side is this frame's payload, passed on untouched
     * for the peer to judge.
     */
    long payloadLength() {
        int lengthCode = bytes[1] & 0x7F;
        if (lengthCode < 126) {
            return lengthCode;
        }
        int extended = lengthCode == 126 ? 2 : 8;
        long value = 0;
        for (int i = 2; i < 2 + extended; i++) {
            value = (value << 8) | (bytes[i] & 0xFF);
        }
        return value < 0 ? Long.MAX_VALUE : value;
    }

    /** Unmasks {@code payload} in place with this header's masking key, if it has one. */
    void unmask(byte[] payload) {
        if (!masked()) {
            return;
        }
        int keyOffset = size() - 4;
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= bytes[keyOffset + (i & 3)];
        }
    }

    /** Writes the complete header to {@code out}. */
    ByteBuf writeTo(ByteBuf out) {
        return writeTo(out, 0);
    }

    /** Writes the header's bytes from {@code from} on to {@code out}. */
    ByteBuf writeTo(ByteBuf out, int from) {
        return out.writeBytes(bytes, from, length - from);
    }

    /** How many bytes of the header have been collected. */
    int collected() {
        return length;
    }

    /** Takes the bytes {@code other} has collected, to go on where it is. */
    void copyFrom(FrameHeader other) {
        System.arraycopy(other.bytes, 0, bytes, 0, other.length);
        length = other.length;
    }

    void reset() {
        length = 0;
    }
}
