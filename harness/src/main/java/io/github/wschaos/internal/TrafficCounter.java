package io.github.wschaos.internal;

import io.github.wschaos.record.Traffic;

/** Counts one direction's frames; written by one I/O thread, read by any. */
final class TrafficCounter {

    private volatile long frames;
    private volatile long messages;
    private volatile long controlFrames;
    private volatile long bytes;

    void bytes(int count) {
        bytes += count;
    }

    void frame(int opcode, boolean fin) {
        frames++;
        if (opcode >= 8) {
            controlFrames++;
        } else if (fin) {
            messages++;
        }
    }

    Traffic snapshot() {
        long total = frames;
        return total == 0 && bytes == 0 ? Traffic.NONE : new Traffic(total, messages, controlFrames, bytes);
    }
}
