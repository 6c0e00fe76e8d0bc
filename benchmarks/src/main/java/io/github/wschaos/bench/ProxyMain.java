package io.github.wschaos.bench;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.fault.Direction;
import io.github.wschaos.fault.Faults;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * wschaos in a process of its own, so that its CPU time can be read from /proc and its heap measured
 * alone. {@code ProxyMain <upstream> <ioThreads>} prints {@code LISTENING <port>}, then answers one line
 * per command on stdin: {@code arm} (a frame-level fault that never fires on data frames), {@code disarm},
 * {@code clear} (the recording), {@code heap} (bytes used after a full GC), {@code quit}.
 */
public final class ProxyMain {

    private ProxyMain() {
    }

    public static void main(String[] args) throws Exception {
        ChaosProxy proxy = ChaosProxy.builder().upstream(URI.create(args[0])).ioThreads(Integer.parseInt(args[1])).start();
        System.out.println("LISTENING " + proxy.port());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            switch (line.trim()) {
                case "arm" -> proxy.inject(Faults.swallowPings(Direction.BOTH));
                case "disarm" -> proxy.disarmAll();
                case "clear" -> proxy.recording().clear();
                case "heap" -> {
                    for (int i = 0; i < 3; i++) {
                        System.gc();
                        Thread.sleep(50);
                    }
                    System.out.println("HEAP " + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                    continue;
                }
                case "quit" -> {
                    proxy.close();
                    System.out.println("OK");
                    return;
                }
                default -> {
                    System.out.println("ERR unknown command " + line);
                    continue;
                }
            }
            System.out.println("OK");
            System.out.flush();
        }
        proxy.close();
    }
}
