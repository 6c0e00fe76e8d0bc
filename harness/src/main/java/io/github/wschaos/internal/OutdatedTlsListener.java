package io.github.wschaos.internal;

import io.github.wschaos.record.Outcome;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.pkitesting.X509Bundle;
import java.security.GeneralSecurityException;
import java.util.List;

/**
 * The TLS side of a listener that speaks only TLS 1.0 and 1.1 ({@link io.github.wschaos.fault.TlsMismatch#NO_COMMON_PROTOCOL}),
 * answering as nginx does with {@code ssl_protocols TLSv1 TLSv1.1} (measured with nginx 1.22.1 and OpenSSL 3.0):
 * <ul>
 *   <li>a client that offers neither version (the JDK, Node, Chromium: TLS 1.2 and 1.3 only) gets a
 *       {@code protocol_version} alert: the JDK reports "Received fatal alert: protocol_version", Node
 *       "tlsv1 alert protocol version";</li>
 *   <li>a client that offers TLS 1.1 (OpenSSL 3's own default: curl, Python) gets the server's first flight
 *       ({@link OutdatedTlsFlight}) and refuses its SHA-1 signature ("legacy sigalg disallowed or unsupported");</li>
 *   <li>a client with no cipher suite of those versions for the certificate gets a {@code handshake_failure} alert.</li>
 * </ul>
 * The JDK speaks neither TLS 1.0 nor 1.1 (both are in {@code jdk.tls.disabledAlgorithms}), so a client that accepts
 * the flight and goes on with its key exchange has its connection closed: that handshake cannot be finished here.
 */
final class OutdatedTlsListener extends ByteToMessageDecoder {

    private static final int ALERT_RECORD = 0x15;
    private static final int CLIENT_HELLO = 1;
    private static final int RECORD_HEADER = 5;
    /** The record version of nginx's alerts before a version is agreed on (OpenSSL 3 writes TLS 1.2's). */
    private static final int ALERT_RECORD_VERSION = 0x0303;
    /** A hello longer than this (post-quantum key shares take under 2 KiB) is not read: handshake_failure. */
    private static final int MAX_HELLO = 64 * 1024;
    private static final String LISTENER = "TLS handshake with the client failed: the listener speaks only TLS 1.0 and"
            + " 1.1 (NO_COMMON_PROTOCOL)";

    static final int ALERT_UNEXPECTED_MESSAGE = 10;
    static final int ALERT_HANDSHAKE_FAILURE = 40;
    static final int ALERT_DECODE_ERROR = 50;
    static final int ALERT_PROTOCOL_VERSION = 70;

    private final LiveConnection connection;
    private final X509Bundle certificate;
    /** The handshake messages read so far, out of their records. */
    private final ByteBuf handshake = Unpooled.buffer(512);
    private int selected = -1;
    private boolean over;

    OutdatedTlsListener(LiveConnection connection, X509Bundle certificate) {
        this.connection = connection;
        this.certificate = certificate;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!over && in.readableBytes() >= RECORD_HEADER) {
            int type = in.getUnsignedByte(in.readerIndex());
            int length = in.getUnsignedShort(in.readerIndex() + 3);
            if (in.readableBytes() < RECORD_HEADER + length) {
                return;
            }
            in.skipBytes(RECORD_HEADER);
            ByteBuf fragment = in.readSlice(length);
            if (selected >= 0) {
                clientAnswered(ctx, type, fragment);
            } else if (type != OutdatedTlsFlight.HANDSHAKE_RECORD) {
                fail(ctx, ALERT_UNEXPECTED_MESSAGE, "a TLS record of type " + type + " before the ClientHello");
            } else if (handshake.readableBytes() + length > MAX_HELLO) {
                fail(ctx, ALERT_HANDSHAKE_FAILURE, "a ClientHello longer than " + MAX_HELLO + " bytes");
            } else {
                handshake.writeBytes(fragment);
                answerIfComplete(ctx);
            }
        }
        if (over) {
            in.skipBytes(in.readableBytes());
        }
    }

    private void answerIfComplete(ChannelHandlerContext ctx) {
        if (handshake.readableBytes() < 4) {
            return;
        }
        int messageType = handshake.getUnsignedByte(0);
        int length = handshake.getUnsignedMedium(1);
        if (messageType != CLIENT_HELLO) {
            fail(ctx, ALERT_UNEXPECTED_MESSAGE, "a handshake message of type " + messageType + " instead of a ClientHello");
            return;
        }
        if (handshake.readableBytes() < 4 + length) {
            return;
        }
        TlsClientHello hello;
        try {
            hello = TlsClientHello.parse(handshake.slice(4, length));
        } catch (IndexOutOfBoundsException e) {
            fail(ctx, ALERT_DECODE_ERROR, "a ClientHello that cannot be read");
            return;
        }
        int version = hello.oldVersionOffered();
        if (version < 0) {
            fail(ctx, ALERT_PROTOCOL_VERSION, "a client that offers " + hello.versionsOffered());
            return;
        }
        int suite = OutdatedTlsFlight.suiteFor(hello);
        if (suite < 0 || !hello.offersGroup(OutdatedTlsFlight.SECP256R1)) {
            fail(ctx, ALERT_HANDSHAKE_FAILURE, "a client that offers no cipher suite of TLS 1.0 and 1.1 for its"
                    + " ECDSA certificate on P-256 (no shared cipher)");
            return;
        }
        ByteBuf flight;
        try {
            flight = OutdatedTlsFlight.build(ctx.alloc(), hello, version, suite, certificate);
        } catch (GeneralSecurityException e) {
            fail(ctx, ALERT_HANDSHAKE_FAILURE, "a ClientHello it could not sign an answer to (" + e + ")");
            return;
        }
        selected = version;
        connection.outcome(Outcome.TLS_FAILED);
        ctx.writeAndFlush(flight);
    }

    /** What the client sends after the server's flight: an alert when it refuses it, as current clients do. */
    private void clientAnswered(ChannelHandlerContext ctx, int type, ByteBuf fragment) {
        String chose = LISTENER + ", it selected " + TlsClientHello.versionName(selected);
        if (type == ALERT_RECORD && fragment.readableBytes() >= 2) {
            connection.failure(chose + " and the client refused it with the alert "
                    + alertName(fragment.getUnsignedByte(fragment.readerIndex() + 1)));
        } else {
            over = true;
            connection.failure(chose + " and the client went on with its key exchange, which the proxy cannot"
                    + " finish (the JDK speaks neither TLS 1.0 nor 1.1): the connection is closed");
            connection.closedByProxy("TLS 1.0/1.1 handshake it cannot finish");
            ctx.close();
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (selected >= 0) {
            connection.failure(LISTENER + ", it selected " + TlsClientHello.versionName(selected)
                    + " and the client closed the connection");
        } else if (!over) {
            connection.outcome(Outcome.TLS_FAILED);
            connection.failure("TLS handshake with the client failed: the client closed the connection before its"
                    + " ClientHello was complete");
        }
        in.skipBytes(in.readableBytes());
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        handshake.release();
    }

    /** Answers with a fatal alert, as OpenSSL does, and closes: the handshake ends before the server's hello. */
    private void fail(ChannelHandlerContext ctx, int alert, String why) {
        over = true;
        connection.outcome(Outcome.TLS_FAILED);
        connection.failure(LISTENER + " and answered " + why + " with the alert " + alertName(alert));
        connection.closedByProxy("TLS " + alertName(alert) + " alert");
        ByteBuf record = ctx.alloc().buffer(RECORD_HEADER + 2)
                .writeByte(ALERT_RECORD).writeShort(ALERT_RECORD_VERSION).writeShort(2)
                .writeByte(2) // fatal
                .writeByte(alert);
        ctx.writeAndFlush(record).addListener(ChannelFutureListener.CLOSE);
    }

    static String alertName(int alert) {
        return switch (alert) {
            case 0 -> "close_notify";
            case ALERT_UNEXPECTED_MESSAGE -> "unexpected_message";
            case ALERT_HANDSHAKE_FAILURE -> "handshake_failure";
            case 42 -> "bad_certificate";
            case 45 -> "certificate_expired";
            case 46 -> "certificate_unknown";
            case 47 -> "illegal_parameter";
            case 48 -> "unknown_ca";
            case ALERT_DECODE_ERROR -> "decode_error";
            case ALERT_PROTOCOL_VERSION -> "protocol_version";
            case 71 -> "insufficient_security";
            case 80 -> "internal_error";
            default -> "TLS alert " + alert;
        };
    }
}
