package io.github.wschaos.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.wschaos.ChaosProxy;
import io.github.wschaos.ProxyCertificate;
import io.github.wschaos.fault.Direction;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The named proxies and what each route does to them, with Toxiproxy's semantics ({@code api.go},
 * {@code proxy_collection.go}, {@code toxic_collection.go}): every method takes the request's JSON text and returns
 * the response's JSON, or throws an {@link ApiError}. One lock serialises every change, as Toxiproxy's collection
 * locks do.
 */
final class ProxyCollection implements AutoCloseable {

    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final ServerSettings settings;
    private final Map<String, NamedProxy> proxies = new TreeMap<>();

    ProxyCollection(ServerSettings settings) {
        this.settings = settings;
    }

    /** {@code GET /proxies}: an object keyed by name. */
    synchronized ObjectNode list() {
        ObjectNode result = JSON.objectNode();
        proxies.values().forEach(p -> result.set(p.name, proxyJson(p)));
        return result;
    }

    /** {@code POST /proxies}: creates and (unless {@code enabled} is false) starts a proxy. */
    synchronized ObjectNode create(String body) {
        ObjectNode input = object(parse(body));
        String name = string(input, "name", "");
        String listen = string(input, "listen", "");
        String upstream = string(input, "upstream", "");
        boolean enabled = bool(input, "enabled", true);
        boolean tls = bool(input, "tls", false);
        String upstreamCa = string(input, "upstream_ca", "");
        if (name.isEmpty()) {
            throw new ApiError(400, "missing required field: name");
        }
        if (upstream.isEmpty()) {
            throw new ApiError(400, "missing required field: upstream");
        }
        if (proxies.containsKey(name)) {
            throw new ApiError(409, "proxy already exists: " + name);
        }
        NamedProxy proxy = new NamedProxy(name, listen, upstream, tls, upstreamCa, settings);
        if (enabled) {
            proxy.start();
        }
        proxies.put(name, proxy);
        return proxyJson(proxy);
    }

    /** {@code POST /populate}: creates or replaces each proxy of the array; the result and its status. */
    synchronized Populated populate(String body) {
        JsonNode input = parse(body);
        if (input.isNull()) {
            input = JSON.arrayNode(); // Go decodes null into an empty slice: nothing to do, as for []
        }
        if (!input.isArray()) {
            throw ApiError.badBody("expected an array of proxies, got " + kind(input));
        }
        List<ObjectNode> entries = new ArrayList<>();
        for (int i = 0; i < input.size(); i++) {
            ObjectNode entry = object(input.get(i));
            if (string(entry, "name", "").isEmpty()) {
                throw new ApiError(400, "missing required field: name at proxy " + (i + 1));
            }
            if (string(entry, "upstream", "").isEmpty()) {
                throw new ApiError(400, "missing required field: upstream at proxy " + (i + 1));
            }
            string(entry, "listen", "");
            bool(entry, "enabled", true);
            bool(entry, "tls", false);
            NamedProxy.checkUpstream(entry.get("upstream").asText(), string(entry, "upstream_ca", ""));
            entries.add(entry);
        }
        ArrayNode done = JSON.arrayNode();
        for (ObjectNode entry : entries) {
            String name = string(entry, "name", "");
            String listen = string(entry, "listen", "");
            String upstream = entry.get("upstream").asText();
            boolean enabled = bool(entry, "enabled", true);
            boolean tls = bool(entry, "tls", false);
            String upstreamCa = string(entry, "upstream_ca", "");
            NamedProxy existing = proxies.get(name);
            if (existing != null && existing.sameAs(listen, upstream, tls, upstreamCa)) {
                done.add(proxyJson(existing));
                continue;
            }
            if (existing != null) {
                existing.stop();
                proxies.remove(name);
            }
            NamedProxy proxy = new NamedProxy(name, listen, upstream, tls, upstreamCa, settings);
            if (enabled) {
                try {
                    proxy.start();
                } catch (ApiError e) {
                    ObjectNode failed = JSON.objectNode().put("error", e.getMessage()).put("status", e.status);
                    failed.set("proxies", orNull(done));
                    return new Populated(e.status, failed);
                }
            }
            proxies.put(name, proxy);
            done.add(proxyJson(proxy));
        }
        ObjectNode result = JSON.objectNode();
        result.set("proxies", orNull(done));
        return new Populated(201, result);
    }

    /** Go's JSON of the slice Toxiproxy's proxiesWithToxics builds with append: null when it has none. */
    private static JsonNode orNull(ArrayNode proxies) {
        return proxies.isEmpty() ? JSON.nullNode() : proxies;
    }

    /** The answer to a populate: Toxiproxy answers a failure with the proxies done so far. */
    record Populated(int status, ObjectNode body) {
    }

    /** {@code GET /proxies/{name}}. */
    synchronized ObjectNode show(String name) {
        return proxyJson(get(name));
    }

    /**
     * {@code POST|PATCH /proxies/{name}}: listen, upstream, enabled (and wschaos's tls, upstream_ca); missing fields
     * keep their values.
     */
    synchronized ObjectNode update(String name, String body) {
        NamedProxy proxy = get(name);
        ObjectNode input = object(parse(body));
        String listen = string(input, "listen", proxy.listen());
        String upstream = string(input, "upstream", proxy.upstream());
        boolean enabled = bool(input, "enabled", proxy.enabled());
        boolean tls = bool(input, "tls", proxy.tls());
        String upstreamCa = string(input, "upstream_ca", proxy.upstreamCa());
        proxy.update(listen, upstream, tls, upstreamCa, enabled);
        return proxyJson(proxy);
    }

    /** {@code DELETE /proxies/{name}}: stops and forgets the proxy. */
    synchronized void delete(String name) {
        get(name).stop();
        proxies.remove(name);
    }

    /** {@code GET /proxies/{name}/toxics}. */
    synchronized ArrayNode toxics(String name) {
        ArrayNode result = JSON.arrayNode();
        get(name).toxics().forEach(t -> result.add(toxicJson(t)));
        return result;
    }

    /** {@code POST /proxies/{name}/toxics}: Toxiproxy's {@code AddToxicJson}, check by check in its order. */
    synchronized ObjectNode createToxic(String proxyName, String body) {
        NamedProxy proxy = get(proxyName);
        ObjectNode input = object(parse(body));
        String stream = string(input, "stream", "downstream");
        String type = string(input, "type", "");
        String toxicName = string(input, "name", "");
        float toxicity = toxicity(input, 1.0f);
        Direction direction = ToxicTypes.direction(stream);
        if (direction == null || direction == Direction.BOTH) {
            throw new ApiError(400, "stream was invalid, can be either upstream or downstream: \"" + stream + "\"");
        }
        if (toxicName.isEmpty()) {
            toxicName = type + "_" + stream;
        }
        ToxicTypes.Type toxicType = ToxicTypes.get(type);
        if (toxicType == null) {
            throw new ApiError(400, "invalid toxic type: \"" + type + "\"; accepted are " + ToxicTypes.names());
        }
        if (proxy.toxic(toxicName) != null) {
            throw new ApiError(409, "toxic already exists: " + toxicName);
        }
        ObjectNode attributes = ToxicTypes.merge(toxicType, null, input.get("attributes"));
        NamedProxy.Toxic toxic = new NamedProxy.Toxic(toxicName, type, stream, direction, toxicity, attributes);
        proxy.add(toxic);
        return toxicJson(toxic);
    }

    /** {@code GET /proxies/{name}/toxics/{toxic}}. */
    synchronized ObjectNode showToxic(String proxyName, String toxicName) {
        return toxicJson(toxic(get(proxyName), toxicName));
    }

    /** {@code POST|PATCH /proxies/{name}/toxics/{toxic}}: new attributes (merged) and toxicity. */
    synchronized ObjectNode updateToxic(String proxyName, String toxicName, String body) {
        NamedProxy proxy = get(proxyName);
        NamedProxy.Toxic toxic = toxic(proxy, toxicName);
        ObjectNode input = object(parse(body));
        float toxicity = toxicity(input, toxic.toxicity);
        ObjectNode attributes = ToxicTypes.merge(ToxicTypes.get(toxic.type), toxic.attributes, input.get("attributes"));
        proxy.update(toxic, attributes, toxicity);
        return toxicJson(toxic);
    }

    /** {@code DELETE /proxies/{name}/toxics/{toxic}}. */
    synchronized void deleteToxic(String proxyName, String toxicName) {
        NamedProxy proxy = get(proxyName);
        proxy.remove(toxic(proxy, toxicName));
    }

    /** {@code POST /reset}: every proxy enabled, every toxic removed. */
    synchronized void reset() {
        for (NamedProxy proxy : proxies.values()) {
            proxy.start();
            proxy.removeAllToxics();
        }
    }

    /** {@code GET /proxies/{name}/recording}: wschaos's own route. */
    synchronized ObjectNode recording(String name) {
        return RecordingJson.of(get(name));
    }

    /** {@code DELETE /proxies/{name}/recording}: forgets what was recorded. */
    synchronized void clearRecording(String name) {
        get(name).clearRecording();
    }

    /** {@code GET /certificate}: the server's TLS authority, shared by every {@code "tls": true} proxy. */
    ProxyCertificate certificate() {
        return settings.certificate().get();
    }

    /** The running proxy behind {@code name}, or null when there is none or it is disabled. */
    synchronized ChaosProxy running(String name) {
        NamedProxy proxy = proxies.get(name);
        return proxy == null ? null : proxy.proxy();
    }

    @Override
    public synchronized void close() {
        proxies.values().forEach(NamedProxy::stop);
        proxies.clear();
    }

    private NamedProxy get(String name) {
        NamedProxy proxy = proxies.get(name);
        if (proxy == null) {
            throw ApiError.proxyNotFound(name);
        }
        return proxy;
    }

    private static NamedProxy.Toxic toxic(NamedProxy proxy, String name) {
        NamedProxy.Toxic toxic = proxy.toxic(name);
        if (toxic == null) {
            throw ApiError.toxicNotFound(name);
        }
        return toxic;
    }

    static ObjectNode proxyJson(NamedProxy proxy) {
        ObjectNode node = JSON.objectNode()
                .put("name", proxy.name)
                .put("listen", proxy.listen())
                .put("upstream", proxy.upstream())
                .put("enabled", proxy.enabled());
        // wschaos's fields, shown only when set: a proxy created the Toxiproxy way has Toxiproxy's JSON exactly.
        if (proxy.tls()) {
            node.put("tls", true);
        }
        if (!proxy.upstreamCa().isEmpty()) {
            node.put("upstream_ca", proxy.upstreamCa());
        }
        ArrayNode toxics = node.putArray("toxics");
        proxy.toxics().forEach(t -> toxics.add(toxicJson(t)));
        return node;
    }

    static ObjectNode toxicJson(NamedProxy.Toxic toxic) {
        ObjectNode node = JSON.objectNode();
        ObjectNode attributes = toxic.attributes.deepCopy();
        if (attributes.has("direction") && attributes.get("direction").isNull()) {
            attributes.put("direction", toxic.direction.name().toLowerCase(java.util.Locale.ROOT)); // the default: the stream
        }
        node.set("attributes", attributes);
        node.put("name", toxic.name).put("type", toxic.type).put("stream", toxic.stream);
        // Go writes a float32 in its shortest form: 1 and 0.5, not 1.0 and 0.5000000.
        node.put("toxicity", new BigDecimal(Float.toString(toxic.toxicity)).stripTrailingZeros());
        return node;
    }

    /** The body as JSON; Go's decoder says {@code EOF} for an empty one. */
    static JsonNode parse(String body) {
        if (body.isBlank()) {
            throw ApiError.badBody("EOF");
        }
        try {
            return MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.badBody("invalid JSON: " + e.getOriginalMessage());
        }
    }

    private static ObjectNode object(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw ApiError.badBody("expected a JSON object, got " + kind(node));
        }
        return (ObjectNode) node;
    }

    private static String string(ObjectNode input, String field, String absent) {
        JsonNode value = input.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isTextual()) {
            throw ApiError.badBody("\"" + field + "\" must be a string, got " + value + " (" + kind(value) + ")");
        }
        return asGoDecodes(value.asText());
    }

    /**
     * {@code text} as Go's JSON decoder gives it: a lone surrogate ({@code "\ud800"}) is U+FFFD, so that a name that had
     * one can be written in a URL (as {@code %EF%BF%BD}) like any other.
     */
    static String asGoDecodes(String text) {
        StringBuilder decoded = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                decoded.append(c).append(text.charAt(++i));
            } else {
                decoded.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return decoded.toString();
    }

    private static boolean bool(ObjectNode input, String field, boolean absent) {
        JsonNode value = input.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isBoolean()) {
            throw ApiError.badBody("\"" + field + "\" must be true or false, got " + value + " (" + kind(value) + ")");
        }
        return value.asBoolean();
    }

    private static float toxicity(ObjectNode input, float absent) {
        JsonNode value = input.get("toxicity");
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isNumber()) {
            throw ApiError.badBody("\"toxicity\" must be a number from 0 to 1, got " + value + " (" + kind(value) + ")");
        }
        double p = value.asDouble();
        if (!(p >= 0.0 && p <= 1.0)) {
            throw ApiError.badBody("\"toxicity\" " + value + " is outside 0..1");
        }
        return (float) p;
    }

    private static String kind(JsonNode node) {
        if (node == null || node.isNull()) {
            return "null";
        }
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
