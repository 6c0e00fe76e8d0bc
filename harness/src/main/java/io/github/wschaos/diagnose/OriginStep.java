package io.github.wschaos.diagnose;

import static io.github.wschaos.diagnose.RunContext.since;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code Origin} step: the handshake repeated, each on its own connection, without {@code Origin}, with the
 * URL's own origin and with the given one; after a {@code 101} it remembers an origin that works (for the idle
 * connections), after a {@code 403} it tells an origin not allowed from a refusal whatever the origin.
 */
final class OriginStep {

    private final RunContext run;
    private final DiagnosisOptions options;
    private final Endpoint endpoint;
    private final Connections connections;

    OriginStep(RunContext run, Connections connections) {
        this.run = run;
        this.options = run.options;
        this.endpoint = run.endpoint;
        this.connections = connections;
    }

    /** The variants next to the first handshake, which was {@code upgraded} ({@code 101}) or refused ({@code 403}). */
    void origins(boolean upgraded) {
        options.progress().accept("Origin variants ...");
        long start = System.nanoTime();
        Map<String, String> variants = new LinkedHashMap<>();
        variants.put("no Origin", null);
        variants.put(endpoint.ownOrigin(), endpoint.ownOrigin());
        if (options.origin() != null) {
            variants.put(options.origin(), options.origin());
        }
        String first = options.origin() == null ? "no Origin" : options.origin();
        Map<String, String> results = new LinkedHashMap<>();
        results.put(first, upgraded ? "101" : "403");
        List<String> accepted = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        (upgraded ? accepted : refused).add(first);
        for (Map.Entry<String, String> variant : variants.entrySet()) {
            if (results.containsKey(variant.getKey())) {
                continue;
            }
            String result = attempt(variant.getValue());
            results.put(variant.getKey(), result);
            if (result.equals("101")) {
                accepted.add(variant.getKey());
                if (run.workingOrigin == null && !run.originSent) {
                    run.workingOrigin = variant.getValue();
                    run.originSent = variant.getValue() != null;
                }
            } else if (result.startsWith("403")) {
                refused.add(variant.getKey());
            }
        }
        StringBuilder evidence = new StringBuilder();
        results.forEach((origin, result) -> evidence.append(evidence.length() == 0 ? "" : "; ").append(origin).append(": ").append(result));
        if (upgraded) {
            run.checks.put("Origin", Check.passed("Origin", evidence + (refused.isEmpty() ? "" : "\nrefused: " + refused), since(start)));
            return;
        }
        List<String> acceptedOrigins = accepted.stream().filter(origin -> !origin.equals("no Origin")).toList();
        if (!accepted.isEmpty()) {
            String allowed = acceptedOrigins.isEmpty() ? "https://app.example" : String.join(",", acceptedOrigins);
            run.fail("Origin", evidence.toString(), start, new Finding(Cause.ORIGIN_NOT_ALLOWED,
                    "The 403 depends on the Origin header: " + refused + " refused, " + accepted + " accepted. Browsers"
                            + " send the page's origin and report \"Unexpected response code: 403\".",
                    "Add the page's origin to the server's allowed origins: Spring registry.addHandler(...)"
                            + ".setAllowedOrigins(\"https://your.app\"); ws verifyClient / handleProtocols; Socket.IO"
                            + " new Server({ cors: { origin: \"https://your.app\" } }).",
                    new Reproduction("reject-origins=" + allowed, "@RejectOrigins(\"" + allowed.replace(",", "\", \"") + "\")",
                            "Faults.rejectOrigins(\"" + allowed.replace(",", "\", \"") + "\")", "")));
        } else {
            run.fail("Origin", evidence.toString(), start, new Finding(Cause.FORBIDDEN,
                    "403 whatever the Origin (" + String.join(", ", results.keySet()) + "): either none of these origins is"
                            + " allowed, or the endpoint wants credentials (a cookie, a token) or blocks your address.",
                    "Try --origin with your app's real origin; send the credentials with --header; check the server's"
                            + " allowed origins and access rules.",
                    Fixes.status(403)));
        }
    }

    /** One more handshake on its own connection; the result is the status, or what went wrong. */
    private String attempt(String origin) {
        try (Wire wire = connections.open(origin)) {
            Wire.Answer answer = wire.readAnswer();
            if (answer.status() == 101) {
                wire.sendClose(1000);
            }
            return answer.status() == 101 ? "101" : answer.statusLine().replaceFirst("^HTTP/\\S+ ", "");
        } catch (IOException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
