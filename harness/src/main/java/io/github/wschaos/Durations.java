package io.github.wschaos;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in annotations and on the command line: {@code 500ms}, {@code 2s},
 * {@code 1.5s}, {@code 1m}, {@code 2h}, {@code 1d}, {@code 0}, or ISO-8601 ({@code PT2S}); never negative.
 */
public final class Durations {

    private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("duration '" + text + "' is empty; " + ACCEPTED);
        }
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        if (trimmed.equals("0")) {
            return Duration.ZERO; // zero needs no unit (Toxiproxy's "timeout 0: never")
        }
        if (trimmed.startsWith("-")) {
            throw new IllegalArgumentException("duration '" + text + "' is negative; " + ACCEPTED);
        }
        Matcher simple = SIMPLE.matcher(trimmed);
        if (simple.matches()) {
            double amount = Double.parseDouble(simple.group(1));
            double nanosPerUnit = switch (simple.group(2)) {
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                case "h" -> 3600e9;
                default -> 86400e9;
            };
            return Duration.ofNanos(Math.round(amount * nanosPerUnit));
        }
        Duration parsed;
        try {
            parsed = Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("duration '" + text + "' is not understood; " + ACCEPTED, e);
        }
        if (parsed.isNegative()) {
            throw new IllegalArgumentException("duration '" + text + "' is negative; " + ACCEPTED);
        }
        return parsed;
    }

    /**
     * {@code duration} as {@link #parse} reads it, in the largest unit that gives a whole number ({@code 5000s},
     * {@code 500ms}, {@code 2h}), else in seconds with a fraction ({@code 1.5s}); negative ones with a minus sign.
     */
    public static String format(Duration duration) {
        if (duration.isNegative()) {
            return "-" + format(duration.negated());
        }
        long seconds = duration.getSeconds();
        int nanos = duration.getNano();
        if (nanos == 0) {
            if (seconds != 0 && seconds % 86_400 == 0) {
                return seconds / 86_400 + "d";
            }
            if (seconds != 0 && seconds % 3_600 == 0) {
                return seconds / 3_600 + "h";
            }
            if (seconds != 0 && seconds % 60 == 0 && seconds < 3_600) {
                return seconds / 60 + "m";
            }
            return seconds + "s";
        }
        if (seconds == 0 && nanos % 1_000_000 == 0) {
            return nanos / 1_000_000 + "ms";
        }
        return java.math.BigDecimal.valueOf(seconds).add(java.math.BigDecimal.valueOf(nanos, 9))
                .stripTrailingZeros().toPlainString() + "s";
    }

    private static final String ACCEPTED = "accepted are e.g. 500ms, 2s, 1.5s, 1m, 2h, 1d or ISO-8601 such as PT2S";
}
