package io.github.wschaos.record;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One connection attempt through the proxy, as an immutable snapshot.
 *
 * <p>Times are offsets from the start of the recording (the proxy's start, or the last
 * {@link Recording#clear()}), taken from a monotonic clock. A time that has not happened yet is empty.
 *
 * @param attempt 1-based number of this connection since the recording started
 * @param remoteAddress the client's address and port, e.g. {@code 127.0.0.1:53122}
 * @param acceptedAt when the proxy accepted the TCP connection
 * @param requestAt when the request head was complete
 * @param responseAt when the response head was sent back to the client
 * @param upgradedAt when the {@code 101} reached the client and frames started to flow
 * @param closingAt when the connection ended for the client: the first close frame written to its socket or sent by
 *     it, or else its TCP close (the upstream's side may close later, after a close handshake's grace period)
 * @param closedAt when the connection was closed on both sides
 * @param method the request method, empty before the request arrived
 * @param target the request target as sent, e.g. {@code /chat?room=1}
 * @param headers the request headers that matter for WebSocket diagnosis ({@code Host}, {@code Origin},
 *     {@code Upgrade}, {@code Connection}, {@code Sec-WebSocket-Protocol}, {@code Sec-WebSocket-Extensions},
 *     {@code Sec-WebSocket-Version}, {@code User-Agent}), keyed by lower-case name
 * @param outcome how the attempt ended up
 * @param status the status sent to the client (0 when none was sent)
 * @param clientToUpstream traffic from the client after the upgrade
 * @param upstreamToClient traffic from the upstream after the upgrade
 * @param faults names of the faults that touched this connection, in order
 * @param close how the connection closed, empty while it is open
 * @param failure what went wrong from the proxy's point of view (an unreachable upstream, a TLS error,
 *     malformed input), empty when nothing did
 */
public record ConnectionRecord(
        int attempt,
        String remoteAddress,
        Duration acceptedAt,
        Optional<Duration> requestAt,
        Optional<Duration> responseAt,
        Optional<Duration> upgradedAt,
        Optional<Duration> closingAt,
        Optional<Duration> closedAt,
        String method,
        String target,
        Map<String, String> headers,
        Outcome outcome,
        int status,
        Traffic clientToUpstream,
        Traffic upstreamToClient,
        List<String> faults,
        Optional<CloseInfo> close,
        String failure) {

    /** A record as the proxy makes it: no component null, the headers and faults copied (unmodifiable). */
    public ConnectionRecord {
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(acceptedAt, "acceptedAt");
        Objects.requireNonNull(requestAt, "requestAt");
        Objects.requireNonNull(responseAt, "responseAt");
        Objects.requireNonNull(upgradedAt, "upgradedAt");
        Objects.requireNonNull(closingAt, "closingAt");
        Objects.requireNonNull(closedAt, "closedAt");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(clientToUpstream, "clientToUpstream");
        Objects.requireNonNull(upstreamToClient, "upstreamToClient");
        faults = List.copyOf(faults);
        Objects.requireNonNull(close, "close");
        Objects.requireNonNull(failure, "failure");
    }

    /** The status sent to the client, if one was. */
    public OptionalInt responseStatus() {
        return status == 0 ? OptionalInt.empty() : OptionalInt.of(status);
    }

    /** A request header by case-insensitive name, if it was one of those recorded. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
    }

    /**
     * Whether the request asked for a WebSocket upgrade ({@code Upgrade: websocket}): false for plain HTTP (long-polling,
     * health checks) and for an attempt with no request (refused, a TLS failure, aborted before its request head).
     */
    public boolean isWebSocketRequest() {
        return header("Upgrade").map(upgrade -> upgrade.trim().equalsIgnoreCase("websocket")).orElse(false);
    }

    /** Whether the connection is closed on both sides. */
    public boolean isClosed() {
        return closedAt.isPresent();
    }

    /** Whether the handshake succeeded and frames could flow. */
    public boolean isUpgraded() {
        return outcome == Outcome.UPGRADED;
    }

    /**
     * When this attempt ended for the client: for a handshake answered with anything but {@code 101}, the answer (the
     * client schedules its retry when it reads it, however long it keeps the connection open afterwards), or the
     * client's close if that came first (an answer written after the client gave up reaches nobody); otherwise when it
     * was over for the client ({@link #closingAt()}: the first close frame written to its socket or sent by it, or its
     * TCP close, even when the upstream's side closes later), or for an attempt still open the moment it was answered
     * (see {@link #hasEnded()}). Delays between attempts are measured from here to the next attempt's
     * {@link #acceptedAt()}: see {@link #delaySince(ConnectionRecord)}.
     */
    public Duration endedAt() {
        if (outcome != Outcome.UPGRADED && responseAt.isPresent()) {
            Duration answer = responseAt.get();
            return closingAt.filter(closing -> closing.compareTo(answer) < 0).orElse(answer);
        }
        return closingAt.orElseGet(() -> responseAt.orElse(acceptedAt)); // a closed connection has its closingAt
    }

    /**
     * The delay between {@code previous}'s end and this attempt's start, or empty when the two overlap: this attempt
     * started before {@code previous} had ended. Then the client's own delay is beyond what the proxy can see: it
     * started counting when it gave up on {@code previous} and ended it only later (the JDK's HttpClient closes a
     * handshake that timed out after its next attempt started), or it runs several connections at once (long-polling).
     * Never negative.
     */
    public Optional<Duration> delaySince(ConnectionRecord previous) {
        if (!previous.hasEnded() || previous.endedAt().compareTo(acceptedAt) > 0) {
            return Optional.empty();
        }
        return Optional.of(acceptedAt.minus(previous.endedAt()));
    }

    /**
     * Whether this attempt is over for the client: a handshake answered with anything but {@code 101}, or a connection
     * whose {@link #closingAt()} has come. An attempt whose handshake is still pending, or an upgraded connection still
     * open, has not ended; its {@link #endedAt()} is provisional.
     */
    public boolean hasEnded() {
        return (outcome != Outcome.UPGRADED && responseAt.isPresent()) || closingAt.isPresent();
    }

    /** How long the connection lived, from accept to close (empty while it is open). */
    public Optional<Duration> lifetime() {
        return closedAt.map(closed -> closed.minus(acceptedAt));
    }

    /** A one-line summary, e.g. {@code #2 GET /chat -> UPGRADED 101, 3 messages each way, client sent close 1000}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("#").append(attempt).append(' ');
        text.append(method.isEmpty() ? "(no request)" : method + " " + target);
        text.append(" -> ").append(outcome);
        if (status != 0) {
            text.append(' ').append(status);
        }
        if (outcome == Outcome.UPGRADED) {
            text.append(", up ").append(clientToUpstream.messages()).append(" / down ")
                    .append(upstreamToClient.messages()).append(" messages");
        }
        close.ifPresent(info -> text.append(", ").append(info));
        if (!faults.isEmpty()) {
            text.append(", faults ").append(faults);
        }
        if (!failure.isEmpty()) {
            text.append(", ").append(failure);
        }
        return text.toString();
    }
}
