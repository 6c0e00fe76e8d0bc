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
 * connections), after a {@code 403} it tells an origin not allowed from a refusal whatever the origin, and a refusal
 * of upgrades only (a plain GET answered otherwise) from both. A variant that gets neither {@code 101} nor
 * {@code 403} fails the step: a {@code 429} is a rate limit, anything else an endpoint that answers the same
 * handshake differently.
 */
final class OriginStep {

    private static final String NO_ORIGIN = "no Origin";

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

    /** What one variant's handshake got: {@code result} as evidence, and the answer (null when none came). */
    private record Variant(String result, Wire.Answer answer) {

        boolean upgraded() {
            return result.equals("101");
        }

        boolean refused() {
            return result.startsWith("403");
        }
    }

    /** The variants next to the first handshake, which was upgraded ({@code 101}). */
    void origins(boolean upgraded) {
        origins(upgraded, null);
    }

    /**
     * The variants next to the first handshake, which was {@code upgraded} ({@code 101}) or refused with
     * {@code first} ({@code 403}).
     */
    void origins(boolean upgraded, Wire.Answer first) {
        options.progress().accept("Origin variants ...");
        long start = System.nanoTime();
        Map<String, String> variants = new LinkedHashMap<>();
        variants.put(NO_ORIGIN, null);
        variants.put(endpoint.ownOrigin(), endpoint.ownOrigin());
        if (options.origin() != null) {
            variants.put(options.origin(), options.origin());
        }
        String firstName = options.origin() == null ? NO_ORIGIN : options.origin();
        Map<String, Variant> results = new LinkedHashMap<>();
        results.put(firstName, new Variant(upgraded ? "101" : "403", first));
        for (Map.Entry<String, String> variant : variants.entrySet()) {
            if (results.containsKey(variant.getKey())) {
                continue;
            }
            Variant result = attempt(variant.getValue());
            results.put(variant.getKey(), result);
            if (result.upgraded() && run.workingOrigin == null && !run.originSent) {
                run.workingOrigin = variant.getValue();
                run.originSent = variant.getValue() != null;
            }
        }
        List<String> accepted = names(results, true);
        List<String> refused = names(results, false);
        StringBuilder evidence = new StringBuilder();
        results.forEach((origin, result) -> evidence.append(evidence.length() == 0 ? "" : "; ").append(origin).append(": ")
                .append(result.result()));
        int handshake = 1;
        for (Map.Entry<String, Variant> result : results.entrySet()) {
            Variant variant = result.getValue();
            if (!variant.upgraded() && !variant.refused()) {
                // Neither 101 nor 403: not a question of the Origin.
                run.fail("Origin", evidence.toString(), start, other(result.getKey(), variant, handshake,
                        results.get(firstName).result()));
                return;
            }
            handshake++;
        }
        if (upgraded) {
            run.checks.put("Origin", Check.passed("Origin", evidence + (refused.isEmpty() ? "" : "\nrefused: " + refused), since(start)));
        } else if (!accepted.isEmpty()) {
            run.fail("Origin", evidence.toString(), start, originNotAllowed(accepted, refused));
        } else {
            forbidden(evidence.toString(), start, results, first);
        }
    }

    private static List<String> names(Map<String, Variant> results, boolean upgraded) {
        List<String> names = new ArrayList<>();
        results.forEach((name, result) -> {
            if (upgraded ? result.upgraded() : result.refused()) {
                names.add(name);
            }
        });
        return names;
    }

    /** A variant that got neither 101 nor 403: a rate limit (429), or the same handshake answered differently. */
    private Finding other(String name, Variant variant, int handshake, String firstResult) {
        String what = "the handshake with " + (name.equals(NO_ORIGIN) ? "no Origin" : "Origin " + name);
        if (variant.answer() != null && variant.answer().status() == 429) {
            return StatusFindings.rateLimited(what, variant.answer(), handshake);
        }
        int status = variant.answer() == null ? -1 : variant.answer().status();
        return new Finding(Cause.UNEXPECTED_STATUS,
                "Repeated, " + what + " got " + variant.result() + " where the first handshake got " + firstResult
                        + ": the endpoint does not answer the same"
                        + " upgrade the same way (a server or proxy that fails some requests, a limit on connections).",
                "Look up why the server answers " + variant.result() + " at " + endpoint.uri().getRawPath() + " (its log, the"
                        + " proxy's log); clients should retry with backoff.",
                status > 0 ? Fixes.status(status) : null);
    }

    /** The first handshake got 403, and some variants got 101: the Origin decides. */
    private Finding originNotAllowed(List<String> accepted, List<String> refused) {
        List<String> acceptedOrigins = accepted.stream().filter(origin -> !origin.equals(NO_ORIGIN)).toList();
        String allowed = acceptedOrigins.isEmpty() ? "https://app.example" : String.join(",", acceptedOrigins);
        String quoted = allowed.replace(",", "\", \"");
        boolean withoutOriginPasses = accepted.contains(NO_ORIGIN);
        String explanation = "The 403 depends on the Origin header: " + refused + " refused, " + accepted + " accepted. Browsers"
                + " send the page's origin and report \"Unexpected response code: 403\".";
        String annotation = "@RejectOrigins(\"" + quoted + "\")";
        if (withoutOriginPasses) {
            explanation += " A handshake without an Origin was upgraded: the server refuses " + String.join(", ", refused)
                    + " but lets requests without an Origin through (a deny-list of origins, or an allow-list such as"
                    + " Spring's allowed origins, which takes a request without Origin for a same-origin or non-browser"
                    + " one). No fault refuses only given origins: the nearest reproduction, reject-origins=" + allowed
                    + ", lets only " + allowed + " through and also rejects handshakes without an Origin, which this"
                    + " server accepts.";
            annotation += " (nearest: it also rejects handshakes without an Origin)";
        }
        return new Finding(Cause.ORIGIN_NOT_ALLOWED, explanation,
                "Add the page's origin to the server's allowed origins (or take it off its deny-list): Spring"
                        + " registry.addHandler(...).setAllowedOrigins(\"https://your.app\"); ws verifyClient /"
                        + " handleProtocols; Socket.IO new Server({ cors: { origin: \"https://your.app\" } }); a proxy"
                        + " rule on the Origin header (haproxy http-request deny if { req.hdr(origin) ... }).",
                new Reproduction("reject-origins=" + allowed, annotation, "Faults.rejectOrigins(\"" + quoted + "\")", ""));
    }

    /** 403 whatever the Origin: a plain GET of the same URL tells a refusal of upgrades only from a refusal of all. */
    private void forbidden(String evidence, long start, Map<String, Variant> results, Wire.Answer first) {
        PlainGet plain = PlainGet.send(run, connections, "the upgrade got 403 whatever the Origin");
        Check upgrade = run.checks.get("upgrade");
        if (upgrade != null) {
            run.checks.put("upgrade", Check.failed("upgrade", upgrade.evidence() + "\n" + plain.evidence(), upgrade.took()));
        }
        String serverSaw = plain.answered() && first != null && !UpgradeRejection.fromProxyItself(first)
                ? UpgradeRejection.webSocketServerSawNoUpgrade(plain.answer()) : null;
        if (plain.answeredOtherwiseThan(403) && serverSaw != null) {
            run.fail("Origin", evidence, start, StatusFindings.serverRefused(first, " whatever the Origin", plain, serverSaw));
            return;
        }
        if (plain.answeredOtherwiseThan(403)) {
            run.fail("Origin", evidence, start, StatusFindings.upgradesRefused(403,
                    first == null ? "403" : first.statusLine(), " whatever the Origin", plain, run.proxy));
            return;
        }
        run.fail("Origin", evidence, start, new Finding(Cause.FORBIDDEN,
                "403 whatever the Origin (" + String.join(", ", results.keySet()) + ")"
                        + (plain.answered() ? ", and to a plain GET too" : "") + ": either"
                        + " none of these origins is allowed, or the endpoint wants credentials (a cookie, a token) or"
                        + " blocks your address.",
                "Try --origin with your app's real origin; send the credentials with --header; check the server's"
                        + " allowed origins and access rules.",
                Fixes.status(403)));
    }

    /** One more handshake on its own connection; the result is the status, or what went wrong. */
    private Variant attempt(String origin) {
        try (Wire wire = connections.open(origin)) {
            Wire.Answer answer = wire.readAnswer();
            if (answer.status() == 101) {
                wire.sendClose(1000);
            }
            return new Variant(answer.status() == 101 ? "101" : answer.statusLine().replaceFirst("^HTTP/\\S+ ", ""), answer);
        } catch (IOException e) {
            return new Variant(e.getClass().getSimpleName() + ": " + e.getMessage(), null);
        }
    }
}
