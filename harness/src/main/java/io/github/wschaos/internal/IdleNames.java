package io.github.wschaos.internal;

import io.github.wschaos.fault.IdleCut;
import io.github.wschaos.fault.IdleTimer;
import java.util.Locale;

/**
 * The names of drop-idle's two options, as the command line ({@code drop-idle=60s:upstream:reset}) and the Toxiproxy
 * API ({@code "reset_on": "upstream", "cut": "reset"}) both take them, in any case.
 */
public final class IdleNames {

    /** The traffic that restarts the idle timer, as accepted. */
    public static final String TIMERS = "any, upstream, client";
    /** How an idle connection is ended, as accepted. */
    public static final String CUTS = "fin, reset, going-away";

    private IdleNames() {
    }

    /** {@code any} (or {@code either}), {@code upstream}, {@code client}; null for another name. */
    public static IdleTimer timer(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "any", "either" -> IdleTimer.ANY_DATA;
            case "upstream" -> IdleTimer.UPSTREAM_DATA;
            case "client" -> IdleTimer.CLIENT_DATA;
            default -> null;
        };
    }

    /** {@code fin}, {@code reset}, {@code going-away} (or {@code going_away}); null for another name. */
    public static IdleCut cut(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "fin" -> IdleCut.FIN;
            case "reset" -> IdleCut.RESET;
            case "going-away", "going_away" -> IdleCut.GOING_AWAY;
            default -> null;
        };
    }
}
