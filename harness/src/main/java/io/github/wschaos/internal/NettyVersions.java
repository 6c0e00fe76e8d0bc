package io.github.wschaos.internal;

import io.netty.util.Version;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Whether the Netty on the classpath is the one wschaos needs: a 4.2 with the HTTP parsing of its later releases. A
 * dependency manager that pins Netty to 4.1 (Spring Boot's does, for all of {@code io.netty}) leaves a mix of 4.1 and 4.2 jars, on which the proxy would fail
 * with a {@code NoClassDefFoundError} that names a Netty class and nothing else; this check names the jars and the
 * fix before any of it runs. It judges by a class that only Netty 4.2's transport has, since the version files it
 * then quotes ({@code io.netty.util.Version}) are merged across the classpath, jars that bundle a relocated Netty 4.1
 * (grpc-netty-shaded) included.
 */
public final class NettyVersions {

    /** The Netty wschaos is built and tested with, e.g. {@code 4.2.18.Final}. */
    public static final String BUILT_WITH = builtWith();

    private static volatile boolean checked;

    private NettyVersions() {
    }

    /**
     * Checks the Netty jars on the classpath, once per class loader.
     *
     * @throws IllegalStateException naming each Netty jar older than 4.2 and how to bring it to {@link #BUILT_WITH}
     */
    public static void check() {
        if (checked) {
            return;
        }
        if (!hasNetty42Transport()) {
            Map<String, String> versions = new java.util.HashMap<>();
            Version.identify().forEach((artifact, version) -> versions.put(artifact, version.artifactVersion()));
            String problem = problem(versions);
            throw new IllegalStateException(problem != null ? problem
                    : message("a netty-transport older than 4.2 (it has no MultiThreadIoEventLoopGroup)"));
        }
        if (!hasRfc9112Parsing()) {
            io.netty.util.Version codec = Version.identify().get("netty-codec-http");
            throw new IllegalStateException(olderPatchMessage("netty-codec-http "
                    + (codec == null ? "of an early 4.2" : codec.artifactVersion())));
        }
        checked = true;
    }

    /**
     * Whether netty-codec-http has the request-smuggling hardening of later 4.2 releases that the proxy's HTTP codecs
     * configure ({@code HttpDecoderConfig.setUseRfc9112TransferEncoding}): an early 4.2 (Vert.x 5.0 brings 4.2.7) has
     * not, and every connection would fail with a {@code NoSuchMethodError}.
     */
    private static boolean hasRfc9112Parsing() {
        try {
            Class<?> config = Class.forName("io.netty.handler.codec.http.HttpDecoderConfig", false,
                    NettyVersions.class.getClassLoader());
            config.getMethod("setUseRfc9112TransferEncoding", boolean.class);
            return true;
        } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
            return false;
        }
    }

    static String olderPatchMessage(String found) {
        return "wschaos needs a later Netty 4.2 than the classpath has (it is built and tested with " + BUILT_WITH + "; "
                + found + " lacks the HTTP parsing it configures): another dependency brought an early 4.2 (Maven takes"
                + " the version nearest to the project: Vert.x 5.0 brings 4.2.7) or a dependency manager pinned it. Bring"
                + " every Netty jar to " + BUILT_WITH + ": import the BOM io.netty:netty-bom:" + BUILT_WITH
                + " in <dependencyManagement> (Gradle: implementation(platform(\"io.netty:netty-bom:" + BUILT_WITH
                + "\"))); in a Spring Boot build, <netty.version>" + BUILT_WITH + "</netty.version>.";
    }

    /**
     * What is wrong with these Netty jars, or null if nothing is.
     *
     * @param versions each Netty artifact on the classpath and its version, e.g. {@code netty-transport=4.1.135.Final}
     */
    static String problem(Map<String, String> versions) {
        StringBuilder old = new StringBuilder();
        new TreeMap<>(versions).forEach((artifact, version) -> {
            if (olderThan42(version)) {
                old.append(old.length() == 0 ? "" : ", ").append(artifact).append(' ').append(version);
            }
        });
        return old.length() == 0 ? null : message(old.toString());
    }

    private static String message(String found) {
        return "wschaos needs Netty 4.2 (it is built and tested with " + BUILT_WITH + "), but the classpath has " + found
                + ": a dependency manager pinned Netty to an older line, as Spring Boot's does. Bring every Netty jar to "
                + BUILT_WITH + ": in a Spring Boot Maven build, <properties><netty.version>" + BUILT_WITH
                + "</netty.version></properties>; with Gradle's Spring dependency management, ext['netty.version'] = '"
                + BUILT_WITH + "'; otherwise import the BOM io.netty:netty-bom:" + BUILT_WITH + ".";
    }

    /** Whether {@code io.netty.channel} is Netty 4.2's: its {@code MultiThreadIoEventLoopGroup} came with 4.2. */
    private static boolean hasNetty42Transport() {
        try {
            Class.forName("io.netty.channel.MultiThreadIoEventLoopGroup", false, NettyVersions.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static boolean olderThan42(String version) {
        String[] parts = version.split("\\.");
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return major < 4 || (major == 4 && minor < 2);
        } catch (NumberFormatException e) {
            return false; // a version it cannot read is not judged
        }
    }

    private static String builtWith() {
        Properties properties = new Properties();
        try (InputStream in = NettyVersions.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("netty.version", "4.2");
    }
}
