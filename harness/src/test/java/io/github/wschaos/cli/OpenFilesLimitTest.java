package io.github.wschaos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.wschaos.testing.NettyEchoServer;
import io.github.wschaos.testing.RawHttp;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A proxy that runs out of file descriptors, as a long-running {@code wschaos proxy} in front of a load test can: the
 * client whose connection was accepted but whose upstream socket could not be opened gets the proxy's {@code 500}
 * (what nginx 1.22 answers when its {@code socket()} fails: "socket() failed (24: Too many open files) while connecting
 * to upstream", measured), the record says why, and once descriptors are free again the
 * proxy relays as before. The proxy runs in a process of its own, whose soft open-files limit the test lowers with
 * {@code prlimit} to exactly one more descriptor than it has open: room for the accepted connection, none for its
 * upstream.
 */
class OpenFilesLimitTest {

    private static final Pattern MAX_OPEN_FILES = Pattern.compile("Max open files\\s+(\\d+)\\s+(\\d+|unlimited)");
    private static final Duration WAIT = Duration.ofSeconds(30);

    private NettyEchoServer upstream;
    private ProxyProcess proxy;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")) && Files.isExecutable(Path.of("/usr/bin/prlimit")),
                "needs Linux's /proc and util-linux's prlimit");
        upstream = NettyEchoServer.start();
        proxy = ProxyProcess.start("--upstream", upstream.uri().toString(), "--listen", "127.0.0.1:0");
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void aClientWhoseUpstreamSocketCannotBeOpenedGets500AndTheProxyRecoversOnceDescriptorsAreFree() throws Exception {
        URI uri = proxy.uri(WAIT);
        InetSocketAddress address = new InetSocketAddress(uri.getHost(), uri.getPort());

        // One upgrade first, so that the proxy has loaded what a connection needs and holds no descriptor for it after.
        assertThat(upgradeStatus(address)).isEqualTo(101);
        await().atMost(WAIT).until(() -> proxy.lines().stream().filter(line -> line.startsWith("CLOSED ")).count() == 1);
        int lowestFree = await().atMost(WAIT).until(this::lowestFreeDescriptorWhenSteady, fd -> fd >= 0);
        String softLimit = softLimit();

        prlimit(Integer.toString(lowestFree + 1));
        try {
            RawHttp.Response refused;
            try (RawHttp client = RawHttp.connect(address)) {
                client.send(RawHttp.upgradeRequest(address, "/echo"));
                refused = client.readResponse();
            }
            assertThat(refused.statusLine()).isEqualTo("HTTP/1.1 500 Internal Server Error");
            assertThat(refused.body()).contains("<title>500 Internal Server Error</title>");
            await().atMost(WAIT).untilAsserted(() -> assertThat(proxy.lines())
                    .anyMatch(line -> line.startsWith("CLOSED ") && line.contains("-> REJECTED 500")
                            && line.contains("could not be dialled") && line.contains("Too many open files")));
        } finally {
            prlimit(softLimit);
        }

        assertThat(upgradeStatus(address)).as("an upgrade once descriptors are free again").isEqualTo(101);
        assertThat(proxy.lines()).noneMatch(line -> line.contains("Exception in thread"));
    }

    private static int upgradeStatus(InetSocketAddress proxy) throws IOException {
        try (RawHttp client = RawHttp.connect(proxy)) {
            client.send(RawHttp.upgradeRequest(proxy, "/echo"));
            return client.readHead().status();
        }
    }

    /** The lowest descriptor number the proxy has free, once two readings of its open descriptors agree; else -1. */
    private int lowestFreeDescriptorWhenSteady() throws IOException {
        Set<Integer> first = openDescriptors();
        Set<Integer> second = openDescriptors();
        if (!first.equals(second)) {
            return -1;
        }
        int fd = 0;
        while (second.contains(fd)) {
            fd++;
        }
        return fd;
    }

    private Set<Integer> openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(proxy.pid()), "fd"))) {
            return fds.map(fd -> Integer.parseInt(fd.getFileName().toString())).collect(Collectors.toSet());
        }
    }

    private String softLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(proxy.pid()), "limits"))) {
            Matcher limit = MAX_OPEN_FILES.matcher(line);
            if (limit.find()) {
                return limit.group(1);
            }
        }
        throw new IllegalStateException("no 'Max open files' in /proc/" + proxy.pid() + "/limits");
    }

    /** Sets the proxy's soft open-files limit only: lowering the hard one could not be undone without privileges. */
    private void prlimit(String soft) throws Exception {
        Process prlimit = new ProcessBuilder("/usr/bin/prlimit", "--pid", Long.toString(proxy.pid()), "--nofile=" + soft + ":")
                .redirectErrorStream(true).start();
        String output = new String(prlimit.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(prlimit.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(prlimit.exitValue()).as("prlimit --nofile=%s: %s", soft, output).isZero();
    }
}
