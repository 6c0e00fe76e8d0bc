package io.github.wschaos.diagnose;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a diagnosis found: the checklist (one {@link Check} per step, in order) and the problems
 * ({@link Finding}s), the first of which is the diagnosis. {@link #toText()} renders it the way a person would
 * write the checklist by hand, {@link #toJson()} as JSON for CI.
 *
 * @param endpoint the endpoint contacted
 * @param checks the steps, in order
 * @param findings the problems found, the most telling first; empty when healthy
 */
public record DiagnosisReport(Endpoint endpoint, List<Check> checks, List<Finding> findings) {

    /** Two-space indents, {@code "name": value}, one element a line: as {@code jq .} prints it. */
    private static final ObjectWriter JSON = new ObjectMapper().writer(new DefaultPrettyPrinter(
            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("").withArrayEmptySeparator(""))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    public DiagnosisReport {
        Objects.requireNonNull(endpoint, "endpoint");
        checks = List.copyOf(checks);
        // A slow handshake that went through tells less than a failure found later (a 429, an idle cut): it goes last.
        findings = findings.stream()
                .sorted(java.util.Comparator.comparing(finding -> finding.cause() == Cause.SLOW_HANDSHAKE))
                .toList();
    }

    /** True when no step found a problem. */
    public boolean healthy() {
        return findings.isEmpty();
    }

    /** The command line's exit code: 0 healthy, 1 a problem found. */
    public int exitCode() {
        return healthy() ? 0 : 1;
    }

    /** The diagnosis: the first finding, if any. */
    public Optional<Finding> diagnosis() {
        return findings.stream().findFirst();
    }

    /** The named cause of the diagnosis, if any. */
    public Optional<Cause> cause() {
        return diagnosis().map(Finding::cause);
    }

    /** The step named {@code name} ("URL", "TCP connect", "TLS", "upgrade", "ping", "echo", "Origin", "idle"). */
    public Check check(String name) {
        return checks.stream().filter(check -> check.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no step '" + name + "' in " + checks.stream().map(Check::name).toList()));
    }

    /** The report as text: the checklist table, the diagnosis, the fix and how to reproduce it locally. */
    public String toText() {
        StringBuilder out = new StringBuilder("wschaos diagnose ").append(endpoint.uri()).append("\n\n");
        int width = checks.stream().mapToInt(check -> check.name().length()).max().orElse(4);
        out.append(String.format("  %-" + width + "s  %-7s  %s%n", "step", "result", "evidence"));
        for (Check check : checks) {
            String[] lines = check.evidence().split("\n");
            out.append(String.format("  %-" + width + "s  %-7s  %s%n", check.name(),
                    check.status().name().toLowerCase(java.util.Locale.ROOT), lines[0]));
            for (int i = 1; i < lines.length; i++) {
                out.append(" ".repeat(width + 13)).append(lines[i]).append('\n');
            }
        }
        out.append('\n');
        if (healthy()) {
            out.append("Diagnosis: healthy. The endpoint upgrades with a valid Sec-WebSocket-Accept")
                    .append(check("ping").status() != CheckStatus.PASSED ? ""
                            : check("ping").evidence().startsWith("pong") ? " and answers pings"
                            : " and keeps Engine.IO's heartbeat (it does not answer WebSocket pings)")
                    .append(check("echo").status() == CheckStatus.PASSED ? "; messages are echoed" : "")
                    .append(check("idle").status() == CheckStatus.PASSED ? "; an idle connection stayed open" : "")
                    .append(".\n");
            return out.toString();
        }
        for (int i = 0; i < findings.size(); i++) {
            Finding finding = findings.get(i);
            out.append(i == 0 ? "Diagnosis: " : "Also: ").append(finding.cause().title()).append('\n');
            indent(out, finding.explanation());
            out.append("\nFix:\n");
            indent(out, finding.fix());
            out.append("\nReproduce locally:\n");
            if (finding.reproduction() == null) {
                out.append("    (no wschaos fault reproduces this)\n");
            } else {
                Reproduction r = finding.reproduction();
                out.append("    ").append(r.commandLine()).append('\n')
                        .append("    JUnit: ").append(r.annotation()).append('\n')
                        .append("    Java:  proxy.inject(").append(r.java()).append(")\n");
            }
            if (i + 1 < findings.size()) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    private static void indent(StringBuilder out, String text) {
        for (String line : text.split("\n")) {
            out.append("    ").append(line).append('\n');
        }
    }

    /** The report as JSON: url, healthy, exitCode, checks, diagnosis (null when healthy) and findings. */
    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("url", endpoint.uri().toString());
        json.put("healthy", healthy());
        json.put("exitCode", exitCode());
        List<Object> steps = new ArrayList<>();
        for (Check check : checks) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("name", check.name());
            step.put("status", check.status().name().toLowerCase(java.util.Locale.ROOT));
            step.put("evidence", check.evidence());
            step.put("tookMillis", check.took().toMillis());
            steps.add(step);
        }
        json.put("checks", steps);
        List<Object> problems = findings.stream().map(DiagnosisReport::json).toList();
        json.put("diagnosis", problems.isEmpty() ? null : problems.get(0));
        json.put("findings", problems);
        try {
            return JSON.writeValueAsString(json) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the report could not be written as JSON: " + e.getMessage(), e);
        }
    }

    private static Object json(Finding finding) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("cause", finding.cause().name());
        json.put("title", finding.cause().title());
        json.put("explanation", finding.explanation());
        json.put("fix", finding.fix());
        Reproduction r = finding.reproduction();
        if (r == null) {
            json.put("reproduce", null);
        } else {
            Map<String, Object> reproduce = new LinkedHashMap<>();
            reproduce.put("fault", r.cliFault());
            reproduce.put("annotation", r.annotation());
            reproduce.put("java", r.java());
            reproduce.put("commandLine", r.commandLine());
            json.put("reproduce", reproduce);
        }
        return json;
    }
}
