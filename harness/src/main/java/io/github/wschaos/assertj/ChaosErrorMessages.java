package io.github.wschaos.assertj;

import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Timeline;
import java.util.List;

/**
 * The failure messages of the wschaos assertions, in AssertJ's shape: what was examined, what was expected and
 * what was found, followed by the timeline of attempts so the reader sees the whole story.
 */
public final class ChaosErrorMessages {

    private ChaosErrorMessages() {
    }

    /**
     * A message of the form
     * <pre>
     * Expecting subject:
     *   actual
     * expectation
     * Timeline:
     * attempt  since start  outcome ...
     * </pre>
     */
    public static String expecting(String subject, String actual, String expectation, List<ConnectionRecord> timeline) {
        String newline = System.lineSeparator();
        return newline + "Expecting " + subject + ":" + newline
                + "  " + actual + newline
                + expectation + newline
                + "Timeline:" + newline
                + Timeline.render(timeline);
    }

    /** {@code count} attempts in words: "1 attempt", "2 attempts". */
    static String attempts(long count) {
        return count + (count == 1 ? " attempt" : " attempts");
    }
}
