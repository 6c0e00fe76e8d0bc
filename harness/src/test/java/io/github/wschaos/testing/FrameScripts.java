package io.github.wschaos.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * Random, reproducible sequences of frames: text and binary messages of given sizes, some whole and some
 * fragmented into continuation frames (empty fragments optional), with pings interleaved, also between
 * the fragments of a message.
 */
public final class FrameScripts {

    private static final String WIDE_CHARACTERS = "\u00e9\u00df\u0416\u4e16\u754c\u20ac";
    private static final String EMOJI = "\ud83d\ude00";

    private FrameScripts() {
    }

    /**
     * A script with one message per entry of {@code sizes} (in bytes), in that order; messages alternate
     * between text and binary, except that messages over {@code maxTextSize} are binary. About half the
     * messages are fragmented; {@code emptyFragments} allows fragments with no payload (Netty's
     * {@code permessage-deflate} cannot compress those, even without a proxy in between).
     */
    public static List<WsFrame> messages(Random random, List<Integer> sizes, int maxTextSize, boolean emptyFragments) {
        List<WsFrame> frames = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) {
            int size = sizes.get(i);
            boolean text = i % 2 == 0 && size <= maxTextSize;
            byte[] payload = text ? utf8(random, size) : bytes(random, size);
            List<byte[]> fragments = random.nextBoolean() ? List.of(payload) : split(random, payload, emptyFragments);
            for (int f = 0; f < fragments.size(); f++) {
                WsFrame.Kind kind = f > 0 ? WsFrame.Kind.CONTINUATION : text ? WsFrame.Kind.TEXT : WsFrame.Kind.BINARY;
                frames.add(new WsFrame(kind, f == fragments.size() - 1, fragments.get(f)));
                if (random.nextInt(4) == 0) {
                    frames.add(new WsFrame(WsFrame.Kind.PING, true, bytes(random, random.nextInt(126))));
                }
            }
        }
        return frames;
    }

    /**
     * {@code payload} cut at 1 to 4 random places. With {@code emptyFragments}, cuts may fall on the same
     * place or an end (an empty payload becomes only empty fragments); without, every fragment has at least
     * one byte and payloads too short for that stay whole.
     */
    static List<byte[]> split(Random random, byte[] payload, boolean emptyFragments) {
        int cuts = 1 + random.nextInt(4);
        List<Integer> points = new ArrayList<>();
        if (emptyFragments) {
            for (int i = 0; i < cuts; i++) {
                points.add(random.nextInt(payload.length + 1));
            }
        } else {
            if (payload.length <= cuts) {
                return List.of(payload);
            }
            TreeSet<Integer> distinct = new TreeSet<>();
            while (distinct.size() < cuts) {
                distinct.add(1 + random.nextInt(payload.length - 1));
            }
            points.addAll(distinct);
        }
        points.add(0);
        points.add(payload.length);
        Collections.sort(points);
        List<byte[]> fragments = new ArrayList<>();
        for (int i = 0; i + 1 < points.size(); i++) {
            fragments.add(Arrays.copyOfRange(payload, points.get(i), points.get(i + 1)));
        }
        return fragments;
    }

    /** {@code size} random bytes. */
    public static byte[] bytes(Random random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Valid UTF-8 of exactly {@code size} bytes, with 2-, 3- and 4-byte characters mixed into ASCII. */
    public static byte[] utf8(Random random, int size) {
        StringBuilder text = new StringBuilder(size);
        int length = 0;
        while (length < size) {
            int left = size - length;
            int pick = random.nextInt(10);
            String next;
            if (pick == 0 && left >= 4) {
                next = EMOJI;
            } else if (pick <= 2 && left >= 3) {
                next = String.valueOf(WIDE_CHARACTERS.charAt(random.nextInt(WIDE_CHARACTERS.length())));
            } else {
                next = String.valueOf((char) (' ' + random.nextInt(95)));
            }
            int bytes = next.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > left) {
                continue;
            }
            text.append(next);
            length += bytes;
        }
        byte[] encoded = text.toString().getBytes(StandardCharsets.UTF_8);
        if (encoded.length != size) {
            throw new IllegalStateException("generated " + encoded.length + " bytes instead of " + size);
        }
        return encoded;
    }
}
