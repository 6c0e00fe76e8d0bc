package io.github.wschaos.bench;

import io.github.wschaos.bench.Targets.Target;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One throughput cell against wschaos alone, with a JFR recording of the proxy process, for profiling:
 * {@code Profile <size> <connections> <seconds> [filter]}; the recording is written to {@code wschaos.jfr}
 * in the logs directory it prints.
 */
public final class Profile {

    private Profile() {
    }

    public static void main(String[] args) throws Exception {
        int size = Integer.parseInt(args[0]);
        int connections = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        boolean filter = args.length > 3 && args[3].equals("filter");
        Path dir = Files.createTempDirectory("wschaos-profile");
        System.setProperty("bench.jvmArgs.wschaos", "-XX:StartFlightRecording=filename=" + dir.resolve("wschaos.jfr")
                + ",settings=profile,dumponexit=true " + System.getProperty("bench.jvmArgs.wschaos", ""));
        Target echo = Targets.echo(dir);
        Target wschaos = Targets.wschaos("wschaos", dir, echo.port(), 1);
        try (LoadClient client = new LoadClient(1)) {
            if (filter) {
                wschaos.process().command("arm", "OK");
            }
            LoadClient.Throughput t = client.closedLoop(wschaos, connections, size, 2000, seconds * 1000L);
            System.out.printf("%,.0f msg/s, %.1f ms CPU per 1,000; recording in %s%n", t.perSecond(), t.cpuMillisPerThousand(),
                    dir.resolve("wschaos.jfr"));
        } finally {
            wschaos.process().close();
            echo.process().close();
        }
    }
}
