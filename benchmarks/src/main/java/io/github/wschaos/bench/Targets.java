package io.github.wschaos.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Starts what the load client talks to: the echo server and, in front of it, each proxy, on loopback. */
final class Targets {

    /** One thing the client connects to: the echo server itself (direct) or a proxy in front of it. */
    record Target(String name, int port, Child process) {
        long cpuNanos() {
            return process == null ? 0 : process.cpuNanos();
        }

        /** CPU time of the JIT compiler threads, if the target is a JVM (0 otherwise). */
        long compilerNanos() {
            return process == null ? 0 : process.compilerNanos();
        }
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

    static Target nginx(Path dir, int echoPort, int workers) {
        Path prefix = dir.resolve("nginx");
        int port = freePort();
        String conf = """
                worker_processes %d;
                worker_rlimit_nofile 20000;
                daemon off;
                pid %s/nginx.pid;
                error_log %s/error.log warn;
                events { worker_connections 22000; }
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
                """.formatted(workers, prefix, prefix, prefix, prefix, prefix, prefix, prefix, port, echoPort);
        write(prefix.resolve("nginx.conf"), conf);
        Child nginx = Child.start("nginx", List.of("/usr/sbin/nginx", "-p", prefix.toString(), "-c",
                prefix.resolve("nginx.conf").toString(), "-e", prefix.resolve("error.log").toString()), dir.resolve("nginx.log"));
        awaitListening(nginx, port);
        return new Target("nginx", port, nginx);
    }

    static Target haproxy(Path dir, int echoPort, int threads) {
        Path prefix = dir.resolve("haproxy");
        int port = freePort();
        // maxconn stays under the descriptor limit (two per proxied connection).
        String conf = """
                global
                  nbthread %d
                  maxconn 9900
                defaults
                  mode http
                  timeout connect 5s
                  timeout client 60s
                  timeout server 60s
                  timeout http-request 10s
                  timeout tunnel 1h
                frontend ws
                  bind 127.0.0.1:%d
                  maxconn 9900
                  default_backend echo
                backend echo
                  server echo 127.0.0.1:%d
                """.formatted(threads, port, echoPort);
        write(prefix.resolve("haproxy.cfg"), conf);
        Child haproxy = Child.start("haproxy", List.of("/usr/sbin/haproxy", "-db", "-f", prefix.resolve("haproxy.cfg").toString()),
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

    private static void awaitListening(Child child, int port) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new IllegalStateException(child + " is not listening on 127.0.0.1:" + port + " after 10 s; see its log");
    }
}
