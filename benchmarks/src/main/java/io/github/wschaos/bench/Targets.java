package io.github.wschaos.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts what the load client talks to: the echo server and, in front of it, each proxy, on loopback. */
final class Targets {

    /** One thing the client connects to: the echo server itself (direct) or a proxy in front of it. */
    record Target(String name, int port, Child process) {

        /** The CPU time of the target's threads now; none for the direct target. */
        Child.CpuMark cpuMark() {
            return process == null ? Child.CpuMark.NONE : process.cpuMark();
        }
    }

    /** Where Debian installs the proxies it is compared with. */
    private static final List<String> SYSTEM_DIRS = List.of("/usr/sbin", "/sbin", "/usr/local/sbin");

    /**
     * The program {@code name} ({@code nginx}, {@code haproxy}) on the PATH or in Debian's sbin directories.
     *
     * @throws IllegalStateException naming where it looked and how to install it
     */
    static String program(String name) {
        List<String> dirs = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty()) {
                dirs.add(dir);
            }
        }
        dirs.addAll(SYSTEM_DIRS);
        for (String dir : dirs) {
            Path program = Path.of(dir, name);
            if (Files.isExecutable(program)) {
                return program.toString();
            }
        }
        throw new IllegalStateException(name + " is not installed (looked on the PATH and in " + String.join(", ", SYSTEM_DIRS)
                + "); the benchmark compares wschaos with Debian's nginx and haproxy: apt-get install nginx haproxy");
    }

    private Targets() {
    }

    /** The echo server, in its own JVM with one event-loop thread. */
    static Target echo(Path dir) {
        Child echo = Child.java("echo", dir.resolve("echo.log"), EchoServer.class.getName(), "1");
        return new Target("echo", Integer.parseInt(echo.await("LISTENING", 30)), echo);
    }


    static Target wschaos(String name, Path dir, int echoPort, int threads) {
        Child proxy = Child.java(name, dir.resolve(name + ".log"), ProxyMain.class.getName(),
                "ws://127.0.0.1:" + echoPort + "/", Integer.toString(threads));
        int port = Integer.parseInt(proxy.await("LISTENING", 30));
        return new Target(name, port, proxy);
    }

    /**
     * nginx with the upgrade configuration, {@code workers} worker processes, room for {@code connections} proxied
     * connections (two descriptors each; with exactly twice as many {@code worker_connections}, 421 of 9,800 failed:
     * "worker_connections are not enough").
     */
    static Target nginx(Path dir, int echoPort, int workers, int connections) {
        Path prefix = dir.resolve("nginx");
        int port = freePort();
        String conf = """
                worker_processes %d;
                worker_rlimit_nofile %d;
                daemon off;
                pid %s/nginx.pid;
                error_log %s/error.log warn;
                events { worker_connections %d; }
                http {
                  access_log off;
                  client_body_temp_path %s/body;
                  proxy_temp_path %s/proxy;
                  fastcgi_temp_path %s/fastcgi;
                  uwsgi_temp_path %s/uwsgi;
                  scgi_temp_path %s/scgi;
                  server {
                    listen 127.0.0.1:%d;
                    location / {
                      proxy_pass http://127.0.0.1:%d;
                      proxy_http_version 1.1;
                      proxy_set_header Upgrade $http_upgrade;
                      proxy_set_header Connection "upgrade";
                      proxy_read_timeout 3600s;
                      proxy_send_timeout 3600s;
                    }
                  }
                }
                """.formatted(workers, 2 * connections + 400, prefix, prefix, 2 * connections + 2400, prefix, prefix, prefix,
                prefix, prefix, port, echoPort);
        write(prefix.resolve("nginx.conf"), conf);
        Child nginx = Child.start("nginx", List.of(program("nginx"), "-p", prefix.toString(), "-c",
                prefix.resolve("nginx.conf").toString(), "-e", prefix.resolve("error.log").toString()), dir.resolve("nginx.log"));
        awaitListening(nginx, port);
        return new Target("nginx", port, nginx);
    }

    /** haproxy with {@code threads} threads and {@code timeout tunnel}, room for {@code connections} proxied connections. */
    static Target haproxy(Path dir, int echoPort, int threads, int connections) {
        Path prefix = dir.resolve("haproxy");
        int port = freePort();
        String conf = """
                global
                  nbthread %d
                  maxconn %d
                  noreuseport
                defaults
                  mode http
                  timeout connect 5s
                  timeout client 60s
                  timeout server 60s
                  timeout http-request 10s
                  timeout tunnel 1h
                frontend ws
                  bind 127.0.0.1:%d
                  maxconn %d
                  default_backend echo
                backend echo
                  server echo 127.0.0.1:%d
                """.formatted(threads, connections + 100, port, connections + 100, echoPort);
        write(prefix.resolve("haproxy.cfg"), conf);
        Child haproxy = Child.start("haproxy", List.of(program("haproxy"), "-db", "-f", prefix.resolve("haproxy.cfg").toString()),
                dir.resolve("haproxy.log"));
        awaitListening(haproxy, port);
        return new Target("haproxy", port, haproxy);
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until {@code child} listens on {@code port}: another program that took the port between {@link #freePort()}
     * and the child's bind (nginx then retries its bind for two seconds and exits) is not taken for it.
     */
    private static void awaitListening(Child child, int port) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (child.listensOn(port)) {
                return;
            }
            if (!child.isAlive()) {
                throw new IllegalStateException(child + " exited before listening on 127.0.0.1:" + port + "; see its log");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while " + child + " started", e);
            }
        }
        throw new IllegalStateException(child + " is not listening on 127.0.0.1:" + port + " after 10 s (another program"
                + " may hold the port); see its log");
    }
}
