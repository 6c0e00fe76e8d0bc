package io.github.wschaos.internal;

import io.netty.buffer.ByteBuf;

/**
 * A first request line judged byte by byte as nginx 1.22's {@code ngx_http_parse_request_line} judges it, so that what
 * nginx refuses at once is refused at once: a method of {@code A}-{@code Z}, {@code _} and {@code -}; spaces; a target
 * that is a path or an absolute URI ({@code scheme://host[:port][/...]}, the host of letters, digits, {@code -} and
 * single dots, or an IP literal in brackets, the port of digits), not {@code *}; spaces; {@code HTTP/1.} and a minor
 * version of digits up to 999, then only spaces; no control character anywhere, and a CR only before its LF. A major
 * version from 2 on ({@code HTTP/2}, {@code HTTP/10.0}) is {@link #VERSION_NOT_SUPPORTED}, which nginx answers
 * {@code 505}, also at once. The line's length is the HTTP decoder's to judge; so is {@code CONNECT}'s authority
 * ({@code 127.0.0.1:443}), refused by {@link RefusedRequests} with a record that says why a client sends it.
 */
final class RequestLineJudge {

    private enum State {
        START, METHOD, BEFORE_TARGET, SCHEME, SCHEME_SLASH, SCHEME_SLASH_SLASH, HOST_START, HOST, IP_LITERAL,
        HOST_END, PORT, TARGET, BEFORE_VERSION, VERSION, MAJOR_FIRST, MAJOR, MINOR_FIRST, MINOR, AFTER_VERSION,
        ALMOST_DONE
    }

    /**
     * Set in a verdict whose version nginx does not speak (a major version from 2 on), which it answers {@code 505 HTTP
     * Version Not Supported}; the rest of the verdict is the refused byte and its offset, as for any refused byte.
     */
    static final int VERSION_NOT_SUPPORTED = 1 << 30;

    /** How far a line is judged: past the decoder's own limit (8 KiB, then 414), the decoder decides. */
    private static final int LINE_LIMIT = 8 * 1024 + 16;

    /** "HTTP/", which the version must start with. */
    private static final byte[] HTTP = {'H', 'T', 'T', 'P', '/'};

    private static final byte[] CONNECT = {'C', 'O', 'N', 'N', 'E', 'C', 'T'};

    private RequestLineJudge() {
    }

    /**
     * Judges the readable bytes of {@code in} without consuming them.
     *
     * @return {@link RequestStart#PLAUSIBLE} once the first request line has ended well (or is too long to judge),
     *     {@link RequestStart#UNDECIDED} while it goes on well, or the first byte nginx refuses (0-255) plus 256 times
     *     its offset in the line, plus {@link #VERSION_NOT_SUPPORTED} where that byte makes a version nginx answers
     *     {@code 505}
     */
    static int judge(ByteBuf in) {
        State state = State.START;
        int lineStart = in.readerIndex();
        int versionAt = 0;
        int minor = 0;
        int previous = -1;
        for (int i = in.readerIndex(); i < in.writerIndex(); previous = in.getUnsignedByte(i++)) {
            int b = in.getUnsignedByte(i);
            int offset = i - lineStart;
            if (offset > LINE_LIMIT) {
                return RequestStart.PLAUSIBLE;
            }
            boolean control = b < 0x20 || b == 0x7f;
            if (mayEndHere(state)) {
                if (b == '\r') { // after a target alone: HTTP/0.9, which the decoder refuses once the line is whole
                    state = State.ALMOST_DONE;
                    continue;
                }
                if (b == '\n') {
                    return RequestStart.PLAUSIBLE;
                }
            }
            switch (state) {
                case START -> {
                    if (b == '\r' || b == '\n') {
                        lineStart = i + 1;
                        continue;
                    }
                    if (!methodByte(b)) {
                        return b;
                    }
                    state = State.METHOD;
                }
                case METHOD -> {
                    if (b == ' ') {
                        state = offset == CONNECT.length && isConnect(in, lineStart) ? State.TARGET : State.BEFORE_TARGET;
                    } else if (!methodByte(b)) {
                        return refused(b, offset);
                    }
                }
                case BEFORE_TARGET -> {
                    if (b == '/') {
                        state = State.TARGET;
                    } else if (letter(b)) {
                        state = State.SCHEME;
                    } else if (b != ' ') {
                        return refused(b, offset);
                    }
                }
                case SCHEME -> {
                    if (b == ':') {
                        state = State.SCHEME_SLASH;
                    } else if (!letter(b) && !digit(b) && b != '+' && b != '-' && b != '.') {
                        return refused(b, offset);
                    }
                }
                case SCHEME_SLASH, SCHEME_SLASH_SLASH -> {
                    if (b != '/') {
                        return refused(b, offset);
                    }
                    state = state == State.SCHEME_SLASH ? State.SCHEME_SLASH_SLASH : State.HOST_START;
                }
                case HOST_START -> {
                    if (b == '[') {
                        state = State.IP_LITERAL;
                    } else if (letter(b) || digit(b)) {
                        state = State.HOST;
                    } else {
                        return refused(b, offset);
                    }
                }
                case HOST -> {
                    if (b == '.' && previous == '.') {
                        return refused(b, offset);
                    }
                    if (!letter(b) && !digit(b) && b != '-' && b != '.') {
                        state = afterHost(b);
                        if (state == null) {
                            return refused(b, offset);
                        }
                    }
                }
                case IP_LITERAL -> {
                    if (b == ']') {
                        state = State.HOST_END;
                    } else if (!digit(b) && !((b | 0x20) >= 'a' && (b | 0x20) <= 'f') && b != ':' && b != '.') {
                        return refused(b, offset);
                    }
                }
                case HOST_END -> {
                    state = afterHost(b);
                    if (state == null) {
                        return refused(b, offset);
                    }
                }
                case PORT -> {
                    if (!digit(b)) {
                        state = b == '/' || b == '?' ? State.TARGET : b == ' ' ? State.BEFORE_VERSION : null;
                        if (state == null) {
                            return refused(b, offset);
                        }
                    }
                }
                case TARGET -> {
                    if (b == ' ') {
                        state = State.BEFORE_VERSION;
                    } else if (control) {
                        return refused(b, offset);
                    }
                }
                case BEFORE_VERSION -> {
                    if (b == 'H') {
                        state = State.VERSION;
                        versionAt = 1;
                    } else if (b != ' ') {
                        return refused(b, offset);
                    }
                }
                case VERSION -> {
                    if (b != HTTP[versionAt++]) {
                        return refused(b, offset);
                    }
                    if (versionAt == HTTP.length) {
                        state = State.MAJOR_FIRST;
                    }
                }
                case MAJOR_FIRST -> {
                    if (b < '1' || b > '9') {
                        return refused(b, offset);
                    }
                    if (b > '1') {
                        return VERSION_NOT_SUPPORTED | refused(b, offset);
                    }
                    state = State.MAJOR;
                }
                case MAJOR -> {
                    if (digit(b)) {
                        return VERSION_NOT_SUPPORTED | refused(b, offset); // 1 and a digit: HTTP/10 and on
                    }
                    if (b != '.') {
                        return refused(b, offset);
                    }
                    state = State.MINOR_FIRST;
                }
                case MINOR_FIRST -> {
                    if (!digit(b)) {
                        return refused(b, offset);
                    }
                    minor = b - '0';
                    state = State.MINOR;
                }
                case MINOR -> {
                    if (b == ' ') {
                        state = State.AFTER_VERSION;
                    } else if (!digit(b) || minor > 99) {
                        return refused(b, offset); // nginx takes up to HTTP/1.999
                    } else {
                        minor = minor * 10 + b - '0';
                    }
                }
                case AFTER_VERSION -> {
                    if (b != ' ') {
                        return refused(b, offset);
                    }
                }
                case ALMOST_DONE -> {
                    return b == '\n' ? RequestStart.PLAUSIBLE : refused(b, offset);
                }
            }
        }
        return RequestStart.UNDECIDED;
    }

    /** Where the line may end (CR LF or LF): after a target (HTTP/0.9), or after a version's minor digits. */
    private static boolean mayEndHere(State state) {
        return state == State.TARGET || state == State.BEFORE_VERSION || state == State.HOST || state == State.HOST_END
                || state == State.PORT || state == State.MINOR || state == State.AFTER_VERSION;
    }

    /** After an absolute URI's host: its port, its path or query, or the space before the version; null for none. */
    private static State afterHost(int b) {
        return switch (b) {
            case ':' -> State.PORT;
            case '/', '?' -> State.TARGET;
            case ' ' -> State.BEFORE_VERSION;
            default -> null;
        };
    }

    private static boolean isConnect(ByteBuf in, int methodStart) {
        for (int i = 0; i < CONNECT.length; i++) {
            if (in.getByte(methodStart + i) != CONNECT[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code b} can be in a method: nginx takes {@code A}-{@code Z}, {@code _} and {@code -}. */
    static boolean methodByte(int b) {
        return (b >= 'A' && b <= 'Z') || b == '_' || b == '-';
    }

    private static boolean letter(int b) {
        return (b | 0x20) >= 'a' && (b | 0x20) <= 'z';
    }

    private static boolean digit(int b) {
        return b >= '0' && b <= '9';
    }

    private static int refused(int b, int offset) {
        return b + 256 * offset;
    }
}
