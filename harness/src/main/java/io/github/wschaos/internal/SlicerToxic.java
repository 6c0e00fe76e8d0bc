package io.github.wschaos.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPromise;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code Slicer}: each chunk is cut as Toxiproxy cuts it (split about in half, the cut moved by up to the variation,
 * until a piece is no larger than {@code average + variation}), and the pieces leave {@code delay} apart, with
 * {@code delay} after the last one too.
 */
final class SlicerToxic extends Pacer {

    private final int averageSize;
    private final int sizeVariation;
    private final long delayNanos;
    private final SplittableRandom random;
    private long nextFree = System.nanoTime();

    SlicerToxic(ToxicChain chain, String cause, int averageSize, int sizeVariation, long delayNanos, SplittableRandom random) {
        super(chain, cause);
        this.averageSize = averageSize;
        this.sizeVariation = sizeVariation;
        this.delayNanos = delayNanos;
        this.random = random;
    }

    @Override
    void pace(ByteBuf buffer, ChannelPromise promise, long nowNanos) {
        List<Integer> ends = new ArrayList<>();
        cut(0, buffer.readableBytes(), ends);
        long cursor = nextFree - nowNanos > 0 ? nextFree : nowNanos;
        int start = 0;
        for (int i = 0; i < ends.size() - 1; i++) {
            hold(buffer.readRetainedSlice(ends.get(i) - start), ctx.newPromise(), cursor);
            start = ends.get(i);
            cursor += delayNanos;
        }
        hold(buffer, promise, cursor);
        nextFree = cursor + delayNanos;
    }

    /** Adds to {@code ends} the end offset of each piece of {@code [start, end)}, in order. */
    private void cut(int start, int end, List<Integer> ends) {
        if ((end - start) - averageSize <= sizeVariation) {
            ends.add(end);
            return;
        }
        int shift = sizeVariation == 0 ? 0 : random.nextInt(2 * sizeVariation) - sizeVariation;
        int middle = Math.max(start + 1, Math.min(end - 1, start + (end - start) / 2 + shift));
        cut(start, middle, ends);
        cut(middle, end, ends);
    }
}
