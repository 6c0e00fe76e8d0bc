package io.github.wschaos.examples.support;

/** The text of an exception and of all its causes, one per line: what a stack trace in the app's log shows. */
public final class Causes {

    private Causes() {
    }

    /** {@code failure} and each of its causes, as {@code toString()} gives them, one per line. */
    public static String of(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            text.append(t).append('\n');
        }
        return text.toString();
    }
}
