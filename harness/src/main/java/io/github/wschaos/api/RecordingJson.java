package io.github.wschaos.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.wschaos.record.CloseInfo;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Traffic;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A proxy's recording as JSON, for {@code GET /proxies/{name}/recording}: {@code attempts}, every connection attempt
 * counted, and {@code connections}, one object per connection the recording keeps (every open one and the most recent
 * that ended, up to the server's recording limit) with the fields of {@link ConnectionRecord} in snake_case, times in
 * milliseconds (three decimals) since the proxy was created or its recording cleared, {@code null} for what has not
 * happened.
 */
final class RecordingJson {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private RecordingJson() {
    }

    static ObjectNode of(NamedProxy proxy) {
        ObjectNode result = JSON.objectNode().put("name", proxy.name);
        ArrayNode connections = JSON.arrayNode();
        int attempts = 0;
        for (NamedProxy.Run run : proxy.recording()) {
            for (ConnectionRecord record : run.connections()) {
                connections.add(connection(record, run.attemptOffset(), run.timeOffset()));
            }
            attempts = run.attemptOffset() + run.attempts();
        }
        result.put("attempts", attempts);
        result.set("connections", connections);
        return result;
    }

    private static ObjectNode connection(ConnectionRecord record, int attemptOffset, Duration timeOffset) {
        ObjectNode node = JSON.objectNode()
                .put("attempt", record.attempt() + attemptOffset)
                .put("remote_address", record.remoteAddress());
        node.put("accepted_ms", millis(record.acceptedAt().plus(timeOffset)));
        time(node, "request_ms", record.requestAt(), timeOffset);
        time(node, "response_ms", record.responseAt(), timeOffset);
        time(node, "upgraded_ms", record.upgradedAt(), timeOffset);
        time(node, "closing_ms", record.closingAt(), timeOffset);
        time(node, "closed_ms", record.closedAt(), timeOffset);
        node.put("method", record.method()).put("target", record.target());
        ObjectNode headers = node.putObject("headers");
        Map<String, String> sorted = new TreeMap<>(record.headers());
        sorted.forEach(headers::put);
        node.put("outcome", record.outcome().name()).put("status", record.status());
        node.set("client_to_upstream", traffic(record.clientToUpstream()));
        node.set("upstream_to_client", traffic(record.upstreamToClient()));
        ArrayNode faults = node.putArray("faults");
        record.faults().forEach(faults::add);
        if (record.close().isPresent()) {
            CloseInfo close = record.close().get();
            ObjectNode closeNode = node.putObject("close")
                    .put("closer", close.closer().name().toLowerCase(Locale.ROOT))
                    .put("close_frame", close.closeFrame());
            if (close.code().isPresent()) {
                closeNode.put("code", close.code().getAsInt());
            } else {
                closeNode.putNull("code");
            }
            closeNode.put("reason", close.reason()).put("cause", close.cause()).put("reported_code", close.reportedCode());
        } else {
            node.putNull("close");
        }
        node.put("failure", record.failure());
        return node;
    }

    private static void time(ObjectNode node, String field, Optional<Duration> time, Duration offset) {
        if (time.isPresent()) {
            node.put(field, millis(time.get().plus(offset)));
        } else {
            node.putNull(field);
        }
    }

    private static BigDecimal millis(Duration time) {
        return BigDecimal.valueOf(time.toNanos()).movePointLeft(6).setScale(3, RoundingMode.HALF_UP);
    }

    private static ObjectNode traffic(Traffic traffic) {
        return JSON.objectNode()
                .put("frames", traffic.frames())
                .put("messages", traffic.messages())
                .put("control_frames", traffic.controlFrames())
                .put("bytes", traffic.bytes());
    }
}
