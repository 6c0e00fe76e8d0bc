package io.github.wschaos.diagnose;

/**
 * The wschaos fault that reproduces a diagnosed cause locally.
 *
 * @param cliFault the value of {@code wschaos proxy --fault}, e.g. {@code strip-upgrade-headers}, {@code drop-idle=55s};
 *     where two faults together reproduce it, both, joined by {@code " --fault "} (a proxy's upstream timeout:
 *     {@code latency=2s@downstream --fault respond-with-status=504}), and {@link #java()} then holds both calls
 * @param annotation the JUnit extension's annotation, e.g. {@code @StripUpgradeHeaders}
 * @param java the library call, e.g. {@code Faults.stripUpgradeHeaders()}
 * @param proxyOptions options the proxy needs besides the fault (e.g. {@code --tls}), empty if none
 */
public record Reproduction(String cliFault, String annotation, String java, String proxyOptions) {

    /** The full command line: {@code java -jar wschaos.jar proxy --upstream <your server> [options] --fault X}. */
    public String commandLine() {
        StringBuilder line = new StringBuilder("java -jar wschaos.jar proxy --upstream ws://127.0.0.1:8080")
                .append(proxyOptions.isEmpty() ? "" : " " + proxyOptions);
        for (String fault : cliFault.split(" --fault ")) {
            line.append(" --fault ").append(quoted(fault));
        }
        return line.toString();
    }

    /** {@code fault} as a shell takes it as one word: in single quotes when it holds a space or a {@code ;}. */
    private static String quoted(String fault) {
        return fault.matches("[A-Za-z0-9=@:.,/_+-]*") ? fault : "'" + fault.replace("'", "'\\''") + "'";
    }
}
