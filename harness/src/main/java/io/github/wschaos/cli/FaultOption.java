package io.github.wschaos.cli;

import io.github.wschaos.Durations;
import io.github.wschaos.fault.Direction;
import io.github.wschaos.fault.Fault;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.fault.IdleCut;
import io.github.wschaos.fault.IdleTimer;
import io.github.wschaos.fault.Target;
import io.github.wschaos.fault.TlsMismatch;
import io.github.wschaos.internal.IdleNames;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The command line's names for the catalogue faults: {@code NAME[@upgrades][=VALUE]}, e.g.
 * {@code strip-upgrade-headers}, {@code drop-idle=2s}, {@code drop-idle=60s:upstream},
 * {@code reject-origins=https://app.example,https://admin.example}, {@code tls-mismatch=expired-certificate}.
 *
 * <p>A target goes on the name, before {@code =}: {@code blackhole@upgrades} and {@code refuse@upgrades} are a
 * firewall that drops or resets only WebSocket upgrades ({@code Target.upgrades()}), {@code respond-with-status@upgrades=403}
 * a filtering proxy's answer to upgrades only. After the value, {@code @} stays the direction of a TCP toxic
 * ({@code latency=100ms@upstream}), so the two cannot be mixed up.
 */
final class FaultOption {

    private static final Map<String, Function<String, Fault>> FAULTS = new LinkedHashMap<>();

    /** The one target the command line names: {@code NAME@upgrades}. */
    private static final String UPGRADES = "upgrades";

    static {
        FAULTS.put("strip-upgrade-headers", value -> none("strip-upgrade-headers", value, Faults.stripUpgradeHeaders()));
        FAULTS.put("drop-idle", FaultOption::dropIdle);
        FAULTS.put("tls-mismatch", value -> Faults.forceTlsMismatch(constant(TlsMismatch.class, "tls-mismatch", value)));
        FAULTS.put("reject-origins", value -> Faults.rejectOrigins(required("reject-origins", value, "https://app.example").split(",")));
        FAULTS.put("refuse", value -> none("refuse", value, Faults.refuseConnections()));
        FAULTS.put("blackhole", value -> none("blackhole", value, Faults.blackhole()));
        FAULTS.put("delay-handshake", value -> Faults.delayHandshake(duration("delay-handshake", value)));
        FAULTS.put("respond-with-status", FaultOption::respondWithStatus);
        FAULTS.put("close-with-code", FaultOption::closeWithCode);
        FAULTS.put("reset", value -> value == null ? Faults.resetConnection() : Faults.resetConnection(duration("reset", value)));
        FAULTS.put("swallow-pings", value -> value == null ? Faults.swallowPings()
                : Faults.swallowPings(constant(Direction.class, "swallow-pings", value)));
        FAULTS.put("half-open", value -> Faults.halfOpen(constant(Direction.class, "half-open", value)));
        // Toxiproxy's TCP toxics: VALUE[@upstream|@downstream|@both], downstream by default as in Toxiproxy.
        FAULTS.put("latency", value -> toxic("latency", value, (v, d) -> {
            String[] parts = v.split(":", 2);
            return parts.length == 2 ? Faults.latency(duration("latency", parts[0]), duration("latency", parts[1]), d)
                    : Faults.latency(duration("latency", parts[0]), d);
        }));
        FAULTS.put("bandwidth", value -> toxic("bandwidth", value, (v, d) -> Faults.bandwidth(longNumber("bandwidth", v, "100 (KB/s)"), d)));
        FAULTS.put("slow-close", value -> toxic("slow-close", value, (v, d) -> Faults.slowClose(duration("slow-close", v), d)));
        FAULTS.put("timeout", value -> toxic("timeout", value, (v, d) -> Faults.timeout(duration("timeout", v), d)));
        FAULTS.put("reset-peer", value -> toxic("reset-peer", value, (v, d) -> Faults.resetPeer(duration("reset-peer", v), d)));
        FAULTS.put("slicer", value -> toxic("slicer", value, (v, d) -> {
            String[] parts = v.split(":");
            if (parts.length != 3) {
                throw new IllegalArgumentException("fault 'slicer' needs AVERAGE:VARIATION:DELAY, e.g. slicer=64:16:10ms");
            }
            return Faults.slicer(number("slicer", parts[0], "64:16:10ms"), number("slicer", parts[1], "64:16:10ms"),
                    duration("slicer", parts[2]), d);
        }));
        FAULTS.put("limit-data", value -> toxic("limit-data", value, (v, d) -> Faults.limitData(longNumber("limit-data", v, "1000 (bytes)"), d)));
    }

    /** Toxiproxy's TCP toxics: their direction follows the value, {@code latency=100ms@upstream}. */
    private static final List<String> TOXICS = List.of("latency", "bandwidth", "slow-close", "timeout", "reset-peer",
            "slicer", "limit-data");

    private static Fault toxic(String name, String value, java.util.function.BiFunction<String, Direction, Fault> factory) {
        String given = required(name, value, "VALUE[@upstream|@downstream|@both]");
        int at = given.lastIndexOf('@');
        Direction direction = at < 0 ? Direction.DOWNSTREAM : constant(Direction.class, name, given.substring(at + 1));
        return factory.apply(at < 0 ? given : given.substring(0, at), direction);
    }

    private FaultOption() {
    }

    /**
     * The fault and target {@code spec} names. Whether the fault can be targeted so is the proxy's check when it is
     * armed ({@code ChaosProxy.inject(fault, target)}), so the command line gives the same message as the Java API.
     */
    static FaultSpec parse(String spec) {
        int equals = spec.indexOf('=');
        String named = (equals < 0 ? spec : spec.substring(0, equals)).trim().toLowerCase(Locale.ROOT);
        String value = equals < 0 ? null : spec.substring(equals + 1).trim();
        int at = named.indexOf('@');
        String name = at < 0 ? named : named.substring(0, at);
        Function<String, Fault> factory = FAULTS.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("unknown fault '" + name + "'; accepted are " + String.join(", ", FAULTS.keySet()));
        }
        if (value != null && value.toLowerCase(Locale.ROOT).endsWith("@" + UPGRADES)) {
            String rest = value.substring(0, value.length() - UPGRADES.length() - 1);
            throw new IllegalArgumentException("fault '" + name + "': '@" + UPGRADES + "' goes on the name, before '=': "
                    + name + "@" + UPGRADES + (rest.isEmpty() ? "" : "=" + rest)
                    + " (after the value, '@' is a TCP toxic's direction: @upstream, @downstream, @both)");
        }
        return new FaultSpec(factory.apply(value), at < 0 ? Target.all() : target(name, named.substring(at + 1), value));
    }

    private static Target target(String name, String target, String value) {
        if (List.of("upstream", "downstream", "both").contains(target)) {
            String written = TOXICS.contains(name) ? name + "=" + (value == null ? "VALUE" : value) + "@" + target
                    : name.equals("drop-idle") ? name + "=" + (value == null ? "55s" : value) + ":" + target
                    : name + "=" + target;
            throw new IllegalArgumentException("fault '" + name + "': a direction does not go on the name: " + written
                    + " (on the name, '@' is a target: @" + UPGRADES + ")");
        }
        if (!target.equals(UPGRADES)) {
            throw new IllegalArgumentException("fault '" + name + "' target '" + target + "' is not one of [" + UPGRADES
                    + "], e.g. " + name + "@" + UPGRADES);
        }
        return Target.upgrades();
    }

    /** The names, for the usage message. */
    static String names() {
        return String.join(", ", FAULTS.keySet());
    }

    private static Fault dropIdle(String value) {
        String[] parts = required("drop-idle", value, "55s, 60s:upstream, 4m:reset or 30s:going-away").split(":");
        IdleTimer timer = null;
        IdleCut cut = null;
        for (String part : Arrays.asList(parts).subList(1, parts.length)) {
            IdleTimer timerNamed = IdleNames.timer(part);
            IdleCut cutNamed = IdleNames.cut(part);
            if (timerNamed == null && cutNamed == null) {
                throw new IllegalArgumentException("drop-idle option '" + part + "' is not one of " + IdleNames.TIMERS
                        + " (the traffic that counts) or " + IdleNames.CUTS + " (how the connection ends),"
                        + " e.g. drop-idle=4m:reset");
            }
            if ((timerNamed != null && timer != null) || (cutNamed != null && cut != null)) {
                throw new IllegalArgumentException("drop-idle=" + value + " names " + (timerNamed != null
                        ? "the traffic that counts" : "how the connection ends") + " twice; give one, e.g. drop-idle=60s:upstream:reset");
            }
            timer = timerNamed != null ? timerNamed : timer;
            cut = cutNamed != null ? cutNamed : cut;
        }
        return Faults.dropIdleConnections(duration("drop-idle", parts[0]), timer == null ? IdleTimer.ANY_DATA : timer,
                cut == null ? IdleCut.FIN : cut);
    }

    /** {@code STATUS[;Name: value]...}: {@code respond-with-status=503;Retry-After: 5}. */
    private static Fault respondWithStatus(String value) {
        String[] parts = required("respond-with-status", value, "503 or '503;Retry-After: 5'").split(";");
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header : Arrays.asList(parts).subList(1, parts.length)) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("respond-with-status header '" + header + "' is not 'Name: value',"
                        + " e.g. respond-with-status='503;Retry-After: 5'");
            }
            headers.put(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
        }
        return Faults.respondWithStatus(number("respond-with-status", parts[0], "503"), headers, "");
    }

    /** {@code CODE[@AFTER][:REASON]}: {@code close-with-code=1012}, {@code close-with-code=1001@30s:going away}. */
    private static Fault closeWithCode(String value) {
        String[] parts = required("close-with-code", value, "1012, 1001:going away or 1001@30s:going away").split(":", 2);
        String reason = parts.length == 2 ? parts[1] : "";
        int at = parts[0].indexOf('@');
        if (at < 0) {
            return Faults.closeWithCode(number("close-with-code", parts[0], "1012"), reason);
        }
        return Faults.closeWithCode(number("close-with-code", parts[0].substring(0, at), "1001@30s"), reason,
                duration("close-with-code", parts[0].substring(at + 1)));
    }

    private static Fault none(String name, String value, Fault fault) {
        if (value != null) {
            throw new IllegalArgumentException("fault '" + name + "' takes no value, but got '" + value + "'");
        }
        return fault;
    }

    private static String required(String name, String value, String example) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("fault '" + name + "' needs a value, e.g. " + name + "=" + example);
        }
        return value;
    }

    private static Duration duration(String name, String value) {
        return Durations.parse(required(name, value, "2s"));
    }

    /** A whole number up to 2,147,483,647: a status, a close code, a slicer size. */
    private static int number(String name, String value, String example) {
        long number = longNumber(name, value, example);
        if (number > Integer.MAX_VALUE || number < Integer.MIN_VALUE) {
            throw new IllegalArgumentException("fault '" + name + "' value " + value + " is out of range; accepted are"
                    + " whole numbers from -2147483648 to 2147483647, e.g. " + name + "=" + example);
        }
        return (int) number;
    }

    /** A whole number up to 9,223,372,036,854,775,807: a byte count or a rate. */
    private static long longNumber(String name, String value, String example) {
        String given = required(name, value, example);
        try {
            return Long.parseLong(given.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("fault '" + name + "' needs a whole number, e.g. " + name + "=" + example
                    + ", but got '" + given + "'");
        }
    }

    private static <E extends Enum<E>> E constant(Class<E> type, String name, String value) {
        String wanted = required(name, value, type.getEnumConstants()[0].name().toLowerCase(Locale.ROOT).replace('_', '-'));
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(wanted.replace('-', '_'))) {
                return constant;
            }
        }
        throw new IllegalArgumentException("fault '" + name + "' value '" + value + "' is not one of "
                + Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList());
    }
}
