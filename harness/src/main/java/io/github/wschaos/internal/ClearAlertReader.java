package io.github.wschaos.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.Map;

/**
 * Before the TLS handler of the listener, while the handshake runs: notes an alert the client sends in the clear.
 * OpenSSL's clients (curl, Python's {@code ssl}, nginx's and Apache's TLS to an upstream) send the alert that rejects the
 * proxy's certificate unencrypted over TLS 1.3, where the JDK reads records encrypted by then and fails with "Insufficient
 * buffer remaining for AEAD cipher fragment (2)"; with this, the record names the alert as the JDK names one it reads.
 * Reads the bytes without taking them: the TLS handler gets them all.
 */
final class ClearAlertReader extends ChannelInboundHandlerAdapter {

    private static final int HEADER = 5;
    private static final int ALERT = 21;

    /** RFC 8446 (section 6) and RFC 5246 (section 7.2): the alerts' names, as the JDK writes them. */
    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(0, "close_notify"), Map.entry(10, "unexpected_message"), Map.entry(20, "bad_record_mac"),
            Map.entry(22, "record_overflow"), Map.entry(40, "handshake_failure"), Map.entry(42, "bad_certificate"),
            Map.entry(43, "unsupported_certificate"), Map.entry(44, "certificate_revoked"),
            Map.entry(45, "certificate_expired"), Map.entry(46, "certificate_unknown"), Map.entry(47, "illegal_parameter"),
            Map.entry(48, "unknown_ca"), Map.entry(49, "access_denied"), Map.entry(50, "decode_error"),
            Map.entry(51, "decrypt_error"), Map.entry(70, "protocol_version"), Map.entry(71, "insufficient_security"),
            Map.entry(80, "internal_error"), Map.entry(86, "inappropriate_fallback"), Map.entry(90, "user_canceled"),
            Map.entry(109, "missing_extension"), Map.entry(110, "unsupported_extension"),
            Map.entry(112, "unrecognized_name"), Map.entry(113, "bad_certificate_status_response"),
            Map.entry(115, "unknown_psk_identity"), Map.entry(116, "certificate_required"),
            Map.entry(120, "no_application_protocol"));

    private final byte[] header = new byte[HEADER];
    private int headerRead;
    /** Bytes of the current record's body still to come. */
    private int bodyLeft;
    private boolean inAlert;
    private int alertByte;
    private int level;
    private String alert;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes) {
            scan(bytes);
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * The last alert the client sent in the clear, as the JDK words one it reads ({@code Received fatal alert:
     * unknown_ca}), or null.
     */
    String alert() {
        return alert;
    }

    private void scan(ByteBuf bytes) {
        for (int i = bytes.readerIndex(); i < bytes.writerIndex(); ) {
            if (bodyLeft == 0) {
                header[headerRead++] = bytes.getByte(i++);
                if (headerRead == HEADER) {
                    headerRead = 0;
                    bodyLeft = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
                    inAlert = header[0] == ALERT && bodyLeft == 2;
                    alertByte = 0;
                }
            } else if (inAlert) {
                int value = bytes.getByte(i++) & 0xff;
                bodyLeft--;
                if (alertByte++ == 0) {
                    level = value;
                } else {
                    alert = "Received " + (level == 1 ? "warning" : "fatal") + " alert: "
                            + NAMES.getOrDefault(value, "alert " + value);
                }
            } else {
                int skipped = Math.min(bodyLeft, bytes.writerIndex() - i);
                i += skipped;
                bodyLeft -= skipped;
            }
        }
    }
}
