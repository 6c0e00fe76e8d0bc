package io.github.wschaos.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.github.wschaos.fault.Direction;
import io.github.wschaos.fault.Fault;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.fault.IdleCut;
import io.github.wschaos.fault.IdleTimer;
import io.github.wschaos.fault.TlsMismatch;
import io.github.wschaos.internal.IdleNames;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * The toxic types of the API, each a way to arm one catalogue fault: Toxiproxy's seven TCP toxics under their names,
 * attribute names and units (milliseconds, slicer's delay in microseconds, bandwidth in KB/s), and every wschaos
 * fault under its catalogue name with {@code _} for {@code -}. A toxic's attributes are checked here (unknown names
 * and wrong JSON types are refused) and turned into a {@link Fault}; the fault's own constructor checks the values.
 */
final class ToxicTypes {

    /** The JSON type an attribute takes. */
    enum Kind {
        INTEGER("an integer"),
        STRING("a string"),
        BOOLEAN("true or false"),
        STRINGS("an array of strings"),
        HEADERS("an object of string values"),
        DIRECTION("one of \"upstream\", \"downstream\", \"both\"");

        final String description;

        Kind(String description) {
            this.description = description;
        }

        boolean accepts(JsonNode value) {
            return switch (this) {
                case INTEGER -> value.isIntegralNumber() && value.canConvertToLong();
                case STRING -> value.isTextual();
                case BOOLEAN -> value.isBoolean();
                case STRINGS -> value.isArray() && all(value.elements());
                case HEADERS -> value.isObject() && all(value.elements());
                case DIRECTION -> value.isTextual() && direction(value.asText()) != null;
            };
        }

        /**
         * {@code value} as {@code toxiproxy-cli} means it: its {@code -a key=value} sends a value that reads as a number
         * as a JSON number and any other as a string, and cannot send an array. So a string attribute takes a number or
         * {@code true}/{@code false} as its text, a boolean takes the strings {@code "true"} and {@code "false"} (any
         * case), and a list of strings takes one string of comma-separated items. Anything else is left as it is, for
         * {@link #accepts} to judge.
         */
        JsonNode coerce(JsonNode value) {
            return switch (this) {
                case STRING -> value.isNumber() || value.isBoolean() ? TextNode.valueOf(value.asText()) : value;
                case BOOLEAN -> value.isTextual() && (value.asText().equalsIgnoreCase("true")
                        || value.asText().equalsIgnoreCase("false"))
                        ? BooleanNode.valueOf(value.asText().equalsIgnoreCase("true")) : value;
                case STRINGS -> value.isTextual() ? commaSeparated(value.asText()) : value;
                default -> value;
            };
        }

        private static ArrayNode commaSeparated(String text) {
            ArrayNode items = JsonNodeFactory.instance.arrayNode();
            for (String item : text.split(",")) {
                if (!item.isBlank()) {
                    items.add(item.trim());
                }
            }
            return items;
        }

        private static boolean all(Iterator<JsonNode> elements) {
            while (elements.hasNext()) {
                if (!elements.next().isTextual()) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * One attribute: its name, JSON type and default. A {@code null} default makes it required; a {@code NullNode}
     * default means "absent" (for {@code direction}: the toxic's stream).
     */
    record Attribute(String name, Kind kind, JsonNode defaultValue, String doc) {
    }

    /** One toxic type: its name, its attributes in order, and how its attributes become a fault (null: none). */
    record Type(String name, List<Attribute> attributes, BiFunction<ObjectNode, Direction, Fault> factory, String doc) {

        Attribute attribute(String attributeName) {
            return attributes.stream().filter(a -> a.name().equals(attributeName)).findFirst().orElse(null);
        }

        String attributeNames() {
            return attributes.isEmpty() ? "none" : attributes.stream().map(Attribute::name).collect(Collectors.joining(", "));
        }
    }

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Map<String, Type> TYPES = new LinkedHashMap<>();

    static {
        // Toxiproxy's seven TCP toxics: same names, attributes, units and zero defaults as toxics/*.go.
        add("latency", (a, d) -> Faults.latency(millis(a, "latency"), millis(a, "jitter"), d),
                "each chunk delayed by latency ± jitter",
                integer("latency", 0, "ms"), integer("jitter", 0, "ms"));
        add("bandwidth", (a, d) -> a.get("rate").asLong() == 0 ? null : Faults.bandwidth(a.get("rate").asLong(), d),
                "at most rate KB/s (0: unlimited, as in Toxiproxy)",
                integer("rate", 0, "KB/s"));
        add("slow_close", (a, d) -> Faults.slowClose(millis(a, "delay"), d),
                "the close held back by delay",
                integer("delay", 0, "ms"));
        add("timeout", (a, d) -> Faults.timeout(millis(a, "timeout"), d),
                "bytes dropped, the connection closed after timeout without any (0: never)",
                integer("timeout", 0, "ms"));
        add("reset_peer", (a, d) -> Faults.resetPeer(millis(a, "timeout"), d),
                "RST timeout after the first bytes",
                integer("timeout", 0, "ms"));
        add("slicer", (a, d) -> Faults.slicer(intValue(a, "average_size"), intValue(a, "size_variation"),
                        Duration.of(a.get("delay").asLong(), java.time.temporal.ChronoUnit.MICROS), d),
                "chunks cut into pieces of about average_size bytes, delay apart",
                integer("average_size", 0, "bytes"), integer("size_variation", 0, "bytes"), integer("delay", 0, "µs"));
        add("limit_data", (a, d) -> Faults.limitData(a.get("bytes").asLong(), d),
                "closed once bytes have passed",
                integer("bytes", 0, "bytes"));
        // Toxiproxy registers it too (toxics/noop.go), unlisted in its README: a toxic that passes everything on.
        add("noop", (a, d) -> null, "nothing: the data passes on");

        // The WebSocket-aware faults of the catalogue.
        add("strip_upgrade_headers", (a, d) -> Faults.stripUpgradeHeaders(),
                "the upstream gets the request without Upgrade, as nginx without upgrade configuration sends it");
        add("drop_idle", (a, d) -> Faults.dropIdleConnections(millis(a, "timeout"), idleTimer(a.get("reset_on").asText()),
                        idleCut(a.get("cut").asText())),
                "idle connections closed without a close frame; a request left unanswered gets 504",
                required("timeout", Kind.INTEGER, "ms"),
                new Attribute("reset_on", Kind.STRING, JSON.textNode("any"), "any, upstream or client"),
                new Attribute("cut", Kind.STRING, JSON.textNode("fin"), "fin, reset or going-away"));
        add("tls_mismatch", (a, d) -> Faults.forceTlsMismatch(tlsMode(a.get("mode").asText())),
                "TLS between client and proxy fails in the given way",
                required("mode", Kind.STRING, "plain_listener, tls_listener, untrusted_certificate, expired_certificate, "
                        + "wrong_host_certificate, no_common_protocol"));
        add("reject_origins", (a, d) -> Faults.rejectOrigins(intValue(a, "status"), strings(a.get("allowed"))),
                "handshakes from any other Origin answered with status",
                required("allowed", Kind.STRINGS, "origins let through"),
                integer("status", 403, "HTTP status"));
        add("refuse", (a, d) -> Faults.refuseConnections(), "connections reset as soon as they are accepted");
        add("blackhole", (a, d) -> Faults.blackhole(), "connections accepted and never answered");
        add("delay_handshake", (a, d) -> Faults.delayHandshake(millis(a, "delay")),
                "handshakes held for delay",
                required("delay", Kind.INTEGER, "ms"));
        add("respond_with_status", (a, d) -> Faults.respondWithStatus(intValue(a, "status"), headers(a.get("headers")),
                        a.get("body").asText()),
                "handshakes answered with status, headers and body",
                required("status", Kind.INTEGER, "HTTP status"),
                new Attribute("headers", Kind.HEADERS, JSON.objectNode(), "extra response headers"),
                new Attribute("body", Kind.STRING, JSON.textNode(""), "response body (empty: nginx's page)"));
        add("close_with_code", (a, d) -> new io.github.wschaos.fault.CloseWithCode(intValue(a, "code"),
                        a.get("reason").asText(), millis(a, "after"), a.get("also_upstream").asBoolean()),
                "upgraded connections closed with a close frame",
                required("code", Kind.INTEGER, "close code"),
                new Attribute("reason", Kind.STRING, JSON.textNode(""), "close reason"),
                integer("after", 0, "ms after the upgrade"),
                new Attribute("also_upstream", Kind.BOOLEAN, JSON.booleanNode(true), "send the close frame upstream too"));
        add("reset", (a, d) -> Faults.resetConnection(millis(a, "after")),
                "upgraded connections reset (RST)",
                integer("after", 0, "ms after the upgrade"));
        add("swallow_pings", (a, d) -> Faults.swallowPings(direction(a, d)),
                "pings and pongs dropped in direction",
                optionalDirection());
        add("half_open", (a, d) -> Faults.halfOpen(direction(a, d)),
                "all data in direction dropped while TCP stays open",
                optionalDirection());
    }

    private ToxicTypes() {
    }

    /** The type called {@code name}, or null. */
    static Type get(String name) {
        return TYPES.get(name);
    }

    /** Every type, in documentation order. */
    static Iterable<Type> all() {
        return TYPES.values();
    }

    /** The names of every type, for error messages. */
    static String names() {
        return String.join(", ", TYPES.keySet());
    }

    /**
     * {@code base} (the defaults, or a toxic's current attributes) with {@code input} laid over it.
     *
     * @throws ApiError 400 naming an unknown attribute, a value of the wrong JSON type, or a missing one
     */
    static ObjectNode merge(Type type, ObjectNode base, JsonNode input) {
        ObjectNode merged = base == null ? defaults(type) : base.deepCopy();
        if (input != null && !input.isNull()) {
            if (!input.isObject()) {
                throw ApiError.badBody("\"attributes\" must be an object, got " + input);
            }
            for (Map.Entry<String, JsonNode> field : input.properties()) {
                Attribute attribute = type.attribute(field.getKey());
                if (attribute == null) {
                    throw ApiError.badBody("unknown attribute \"" + field.getKey() + "\" for toxic type " + type.name()
                            + "; accepted are " + type.attributeNames());
                }
                JsonNode value = attribute.kind().coerce(field.getValue());
                if (!attribute.kind().accepts(value)) {
                    throw ApiError.badBody("attribute \"" + field.getKey() + "\" of toxic type " + type.name() + " must be "
                            + attribute.kind().description + ", got " + field.getValue());
                }
                merged.set(field.getKey(), value);
            }
        }
        for (Attribute attribute : type.attributes()) {
            if (!merged.has(attribute.name())) {
                throw new ApiError(400, "missing required field: attributes." + attribute.name() + " for toxic type "
                        + type.name() + " (" + attribute.doc() + ")");
            }
        }
        return merged;
    }

    /**
     * The fault these attributes describe, or null for one that does nothing (bandwidth with rate 0).
     *
     * @throws ApiError 400 with the fault's own message when a value is out of range
     */
    static Fault fault(Type type, ObjectNode attributes, Direction stream) {
        try {
            return type.factory().apply(attributes, stream);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw ApiError.badBody(type.name() + ": " + e.getMessage());
        }
    }

    private static ObjectNode defaults(Type type) {
        ObjectNode node = JSON.objectNode();
        for (Attribute attribute : type.attributes()) {
            if (attribute.defaultValue() != null) {
                node.set(attribute.name(), attribute.defaultValue().deepCopy());
            }
        }
        return node;
    }

    private static void add(String name, BiFunction<ObjectNode, Direction, Fault> factory, String doc,
            Attribute... attributes) {
        TYPES.put(name, new Type(name, List.of(attributes), factory, doc));
    }

    private static Attribute integer(String name, long defaultValue, String unit) {
        return new Attribute(name, Kind.INTEGER, JSON.numberNode(defaultValue), unit);
    }

    private static Attribute required(String name, Kind kind, String doc) {
        return new Attribute(name, kind, null, doc);
    }

    private static Attribute optionalDirection() {
        return new Attribute("direction", Kind.DIRECTION, JSON.nullNode(), "upstream, downstream or both; default: the stream");
    }

    private static Duration millis(ObjectNode attributes, String name) {
        return Duration.ofMillis(attributes.get(name).asLong());
    }

    private static int intValue(ObjectNode attributes, String name) {
        long value = attributes.get(name).asLong();
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " " + value + " is out of range");
        }
        return (int) value;
    }

    private static String[] strings(JsonNode array) {
        String[] values = new String[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asText();
        }
        return values;
    }

    private static Map<String, String> headers(JsonNode object) {
        Map<String, String> headers = new LinkedHashMap<>();
        object.properties().forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
        return headers;
    }

    private static Direction direction(ObjectNode attributes, Direction stream) {
        JsonNode value = attributes.get("direction");
        return value == null || value.isNull() ? stream : direction(value.asText());
    }

    static Direction direction(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "upstream" -> Direction.UPSTREAM;
            case "downstream" -> Direction.DOWNSTREAM;
            case "both" -> Direction.BOTH;
            default -> null;
        };
    }

    private static IdleCut idleCut(String text) {
        IdleCut cut = IdleNames.cut(text);
        if (cut == null) {
            throw new IllegalArgumentException("cut \"" + text + "\" is not one of " + IdleNames.CUTS);
        }
        return cut;
    }

    private static IdleTimer idleTimer(String text) {
        IdleTimer timer = IdleNames.timer(text);
        if (timer == null) {
            throw new IllegalArgumentException("reset_on \"" + text + "\" is not one of " + IdleNames.TIMERS);
        }
        return timer;
    }

    private static TlsMismatch tlsMode(String text) {
        Set<String> accepted = new LinkedHashSet<>();
        for (TlsMismatch mode : TlsMismatch.values()) {
            String name = mode.name().toLowerCase(Locale.ROOT);
            if (name.equals(text.toLowerCase(Locale.ROOT))) {
                return mode;
            }
            accepted.add(name);
        }
        throw new IllegalArgumentException("mode \"" + text + "\" is not one of " + String.join(", ", accepted));
    }
}
