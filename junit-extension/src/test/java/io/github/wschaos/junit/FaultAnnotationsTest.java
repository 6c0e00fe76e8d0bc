package io.github.wschaos.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.fault.Direction;
import io.github.wschaos.fault.FaultHandle;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.fault.IdleCut;
import io.github.wschaos.fault.IdleTimer;
import io.github.wschaos.fault.Profiles;
import io.github.wschaos.fault.Target;
import io.github.wschaos.fault.TlsMismatch;
import io.github.wschaos.junit.testing.Kit;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.junit.testing.Ws;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each annotation arms the catalogue fault and target it names, and the faults act on real connections. */
class FaultAnnotationsTest {

    @BeforeAll
    static void startEcho() {
        Echo.start();
    }

    @AfterAll
    static void stopEcho() {
        Echo.stop();
    }

    @Test
    void everyAnnotationArmsItsFaultWithItsTarget() {
        Kit.runPassing(6, Catalogue.class);
    }

    private static List<String> armed(ChaosProxy proxy) {
        return proxy.faults().stream().map(handle -> handle.fault() + " / " + handle.target()).toList();
    }

    private static String of(Object fault, Target target) {
        return fault + " / " + target;
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM, tls = true)
    static class Catalogue {

        @Test
        @StripUpgradeHeaders(path = "/hmr/")
        @DropIdleConnections(value = "55s", resetOn = IdleTimer.UPSTREAM_DATA, cut = IdleCut.RESET, probability = 0.5)
        @ForceTlsMismatch(value = TlsMismatch.WRONG_HOST_CERTIFICATE, attempts = "2..3")
        @RejectOrigins(value = {"https://a.example", "https://b.example"}, status = 401)
        void handshakeAndIdleFaults(ChaosProxy proxy) {
            assertThat(armed(proxy)).containsExactly(
                    of(Faults.stripUpgradeHeaders(), Target.path("/hmr/")),
                    of(Faults.dropIdleConnections(Duration.ofSeconds(55), IdleTimer.UPSTREAM_DATA, IdleCut.RESET),
                            Target.probability(0.5)),
                    of(Faults.forceTlsMismatch(TlsMismatch.WRONG_HOST_CERTIFICATE), Target.attempts(2, 3)),
                    of(Faults.rejectOrigins(401, "https://a.example", "https://b.example"), Target.all()));
        }

        @Test
        @RefuseConnections(next = 2)
        @Blackhole(attempts = "5", startingAfter = "PT0.5S")
        @DelayHandshake("1500ms")
        void connectFaults(ChaosProxy proxy) {
            assertThat(armed(proxy)).containsExactly(
                    of(Faults.refuseConnections(), Target.next(2)),
                    of(Faults.blackhole(), Target.attempt(5).and(Target.after(Duration.ofMillis(500)))),
                    of(Faults.delayHandshake(Duration.ofMillis(1500)), Target.all()));
        }

        @Test
        @RespondWithStatus(value = 503, headers = "Retry-After: 5", body = "busy", attempts = "1")
        @RespondWithStatus(value = 502, attempts = "2")
        @CloseWithCode(value = 4000, reason = "kicked", after = "1m", alsoUpstream = false)
        @ResetConnection(after = "2s")
        void responseAndCloseFaults(ChaosProxy proxy) {
            assertThat(armed(proxy)).containsExactly(
                    of(Faults.respondWithStatus(503, Map.of("Retry-After", "5"), "busy"), Target.attempt(1)),
                    of(Faults.respondWithStatus(502), Target.attempt(2)),
                    of(new io.github.wschaos.fault.CloseWithCode(4000, "kicked", Duration.ofMinutes(1), false), Target.all()),
                    of(Faults.resetConnection(Duration.ofSeconds(2)), Target.all()));
        }

        @Test
        @Blackhole(upgradesOnly = true, path = "/socket.io/")
        @RefuseConnections(upgradesOnly = true, next = 1)
        @RespondWithStatus(value = 403, upgradesOnly = true, attempts = "2")
        void upgradeTargets(ChaosProxy proxy) {
            assertThat(armed(proxy)).containsExactly(
                    of(Faults.refuseConnections(), Target.next(1).and(Target.upgrades())),
                    of(Faults.blackhole(), Target.path("/socket.io/").and(Target.upgrades())),
                    of(Faults.respondWithStatus(403), Target.attempt(2).and(Target.upgrades())));
        }

        @Test
        @SwallowPings
        @HalfOpen(value = Direction.UPSTREAM, path = "/echo")
        void frameFaults(ChaosProxy proxy) {
            assertThat(armed(proxy)).containsExactly(
                    of(Faults.swallowPings(Direction.BOTH), Target.all()),
                    of(Faults.halfOpen(Direction.UPSTREAM), Target.path("/echo")));
        }

        @Test
        @ChaosProfile(ChaosProfile.Platform.HEROKU_ROUTER)
        @ChaosProfile(value = ChaosProfile.Platform.AWS_ALB, idleTimeout = "350s", path = "/api/")
        void profiles(ChaosProxy proxy) {
            assertThat(armed(proxy)).containsExactly(
                    of(Profiles.herokuRouter().get(0), Target.all()),
                    of(Profiles.awsAlb(Duration.ofSeconds(350)).get(0), Target.path("/api/")));
        }
    }

    @Test
    void faultsActOnRealConnections() {
        Kit.runPassing(4, OnTheWire.class);
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM, timeScale = 0.01)
    static class OnTheWire {

        @Test
        @RefuseConnections(attempts = "1..2")
        void refusedTwiceThenThrough(@ChaosProxyUri URI uri, ChaosProxy proxy) {
            // The JDK client retries a reset GET once on its own, so one handshake may take two attempts.
            List<String> handshakes = new ArrayList<>();
            while (!handshakes.contains("101") && handshakes.size() < 3) {
                handshakes.add(Ws.handshake(uri));
            }
            assertThat(handshakes.get(0)).startsWith("failed");
            assertThat(handshakes).last().isEqualTo("101");
            assertThat(proxy.recording().connections()).extracting(ConnectionRecord::outcome)
                    .containsExactly(Outcome.REFUSED, Outcome.REFUSED, Outcome.UPGRADED);
        }

        @Test
        @RefuseConnections(upgradesOnly = true)
        void upgradesRefusedWhilePlainHttpIsRelayed(@ChaosProxyUri URI uri, ChaosProxy proxy) throws Exception {
            HttpResponse<String> plain = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(uri.toString().replace("ws://", "http://"))).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(plain.statusCode()).as("the echo server's own answer to a GET without Upgrade").isEqualTo(400);
            assertThat(Ws.handshake(uri)).startsWith("failed");
            assertThat(proxy.recording().connections()).extracting(ConnectionRecord::outcome)
                    .startsWith(Outcome.NOT_WEBSOCKET).contains(Outcome.REFUSED).doesNotContain(Outcome.UPGRADED);
        }

        @Test
        @DropIdleConnections("55s") // 550 ms at this time scale
        void idleConnectionDroppedWithoutCloseFrame(@ChaosProxyUri URI uri) throws Exception {
            assertThat(Ws.closeCode(uri).get(10, TimeUnit.SECONDS)).isEqualTo(1006);
        }

        @Test
        @CloseWithCode(value = 1012, reason = "restart")
        void closedWithACode(@ChaosProxyUri URI uri, ChaosProxy proxy) throws Exception {
            assertThat(Ws.closeCode(uri).get(10, TimeUnit.SECONDS)).isEqualTo(1012);
            assertThat(proxy.faults()).extracting(FaultHandle::hits).containsExactly(1);
        }
    }
}
