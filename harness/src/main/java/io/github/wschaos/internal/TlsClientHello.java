package io.github.wschaos.internal;

import io.netty.buffer.ByteBuf;

/**
 * What a TLS server looks at in a client's {@code ClientHello}: the versions, cipher suites and elliptic-curve groups
 * the client offers, its random, whether it asks for secure renegotiation (RFC 5746) and whether it names its
 * elliptic-curve point formats (a server answers {@code ec_point_formats} only then).
 *
 * @param legacyVersion the {@code client_version} field: the highest version a client without
 *     {@code supported_versions} speaks
 * @param versions the {@code supported_versions} extension (TLS 1.3's way to offer versions), or null without it
 */
record TlsClientHello(byte[] random, int legacyVersion, int[] versions, int[] suites, int[] groups,
        boolean secureRenegotiation, boolean pointFormats) {

    static final int TLS_1_0 = 0x0301;
    static final int TLS_1_1 = 0x0302;

    private static final int EXTENSION_SUPPORTED_GROUPS = 0x000a;
    private static final int EXTENSION_EC_POINT_FORMATS = 0x000b;
    private static final int EXTENSION_SUPPORTED_VERSIONS = 0x002b;
    private static final int EXTENSION_RENEGOTIATION_INFO = 0xff01;
    /** TLS_EMPTY_RENEGOTIATION_INFO_SCSV: a client's other way to ask for {@code renegotiation_info}. */
    private static final int RENEGOTIATION_SCSV = 0x00ff;

    /**
     * Reads the body of a {@code ClientHello} (what follows its handshake message header).
     *
     * @throws IndexOutOfBoundsException if a length runs past the message
     */
    static TlsClientHello parse(ByteBuf body) {
        int legacyVersion = body.readUnsignedShort();
        byte[] random = new byte[32];
        body.readBytes(random);
        body.skipBytes(body.readUnsignedByte()); // session id
        int[] suites = shorts(body.readSlice(body.readUnsignedShort()));
        body.skipBytes(body.readUnsignedByte()); // compression methods
        int[] versions = null;
        int[] groups = new int[0];
        boolean renegotiation = contains(suites, RENEGOTIATION_SCSV);
        boolean pointFormats = false;
        if (body.isReadable()) {
            ByteBuf extensions = body.readSlice(body.readUnsignedShort());
            while (extensions.isReadable()) {
                int type = extensions.readUnsignedShort();
                ByteBuf data = extensions.readSlice(extensions.readUnsignedShort());
                switch (type) {
                    case EXTENSION_SUPPORTED_VERSIONS -> versions = shorts(data.readSlice(data.readUnsignedByte()));
                    case EXTENSION_SUPPORTED_GROUPS -> groups = shorts(data.readSlice(data.readUnsignedShort()));
                    case EXTENSION_RENEGOTIATION_INFO -> renegotiation = true;
                    case EXTENSION_EC_POINT_FORMATS -> pointFormats = true;
                    default -> {
                    }
                }
            }
        }
        return new TlsClientHello(random, legacyVersion, versions, suites, groups, renegotiation, pointFormats);
    }

    /**
     * The version a server of TLS 1.0 and 1.1 that knows {@code supported_versions} (OpenSSL 1.1.1 and later, as in
     * nginx) selects: the highest of those two the client offers, or -1 if it offers neither.
     */
    int oldVersionOffered() {
        if (versions != null) {
            return contains(versions, TLS_1_1) ? TLS_1_1 : contains(versions, TLS_1_0) ? TLS_1_0 : -1;
        }
        return legacyVersion >= TLS_1_0 ? Math.min(legacyVersion, TLS_1_1) : -1;
    }

    /** What the client offers, for a record: {@code TLS 1.3, TLS 1.2}. */
    String versionsOffered() {
        if (versions == null) {
            return "up to " + versionName(legacyVersion);
        }
        StringBuilder names = new StringBuilder();
        for (int version : versions) {
            if ((version & 0x0f0f) != 0x0a0a) { // GREASE values are no versions
                names.append(names.length() == 0 ? "" : ", ").append(versionName(version));
            }
        }
        return names.toString();
    }

    /** Whether the client offers the group; a client that names none takes any (RFC 4492). */
    boolean offersGroup(int group) {
        return groups.length == 0 || contains(groups, group);
    }

    static String versionName(int version) {
        return switch (version) {
            case 0x0300 -> "SSL 3.0";
            case TLS_1_0 -> "TLS 1.0";
            case TLS_1_1 -> "TLS 1.1";
            case 0x0303 -> "TLS 1.2";
            case 0x0304 -> "TLS 1.3";
            default -> String.format("version 0x%04x", version);
        };
    }

    private static int[] shorts(ByteBuf bytes) {
        if (bytes.readableBytes() % 2 != 0) {
            throw new IndexOutOfBoundsException("a list of 16-bit values of odd length " + bytes.readableBytes());
        }
        int[] values = new int[bytes.readableBytes() / 2];
        for (int i = 0; i < values.length; i++) {
            values[i] = bytes.readUnsignedShort();
        }
        return values;
    }

    private static boolean contains(int[] values, int value) {
        for (int candidate : values) {
            if (candidate == value) {
                return true;
            }
        }
        return false;
    }
}
