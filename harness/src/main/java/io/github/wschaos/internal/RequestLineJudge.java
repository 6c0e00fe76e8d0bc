package io.github.wschaos.internal;

import io.netty.buffer.ByteBuf;

/**
 * A first request line judged byte by byte as nginx 1.22's {@code ngx_http_parse_request_line} judges it, so that what
 * nginx refuses at once is refused at once: a method of {@code A}-{@code Z}, {@code _} and {@code -}; spaces; a target
 * that is a path, {@code *} or an absolute URI ({@code scheme://host[:port][/...]}, the host of letters, digits,
 * {@code -} and single dots, or an IP literal in brackets, the port of digits); spaces; {@code HTTP/}; no control
 * character anywhere, and a CR only before its LF. The version and the line's length are the HTTP decoder's to judge;
 * so is {@code CONNECT}'s authority ({@code 127.0.0.1:443}), refused by {@link RefusedRequests} with a record that
 * says why a client sends it.
 */
final class RequestLineJudge {

    private enum State {
        START, METHOD, BEFORE_TARGET, ASTERISK, SCHEME, SCHEME_SLASH, SCHEME_SLASH_SLASH, HOST_START, HOST, IP_LITERAL,
        HOST_END, PORT, TARGET, BEFORE_VERSION, VERSION, ALMOST_DONE
    }

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
     *     its offset in the line
     */
    static int judge(ByteBuf in) {
        State state = State.START;
        int lineStart = in.readerIndex();
        int versionAt = 0;
        int previous = -1;
        for (int i = in.readerIndex(); i < in.writerIndex(); previous = in.getUnsignedByte(i++)) {
            int b = in.getUnsignedByte(i);
            int offset = i - lineStart;
            if (offset > LINE_LIMIT) {
                return RequestStart.PLAUSIBLE;
            }
            boolean control = b < 0x20 || b == 0x7f;
            if (mayEndHere(state, versionAt)) {
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
                    } else if (b == '*') {
                        state = State.ASTERISK;
                    } else if (letter(b)) {
                        state = State.SCHEME;
                    } else if (b != ' ') {
                        return refused(b, offset);
                    }
                }
                case ASTERISK -> {
                    if (b != ' ') {
                        return refused(b, offset);
                    }
                    state = State.BEFORE_VERSION;
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
                    if (versionAt < HTTP.length ? b != HTTP[versionAt++] : control) {
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

    /** Where the line may end (CR LF or LF): after a target, or after the version's {@code HTTP/}. */
    private static boolean mayEndHere(State state, int versionAt) {
        return state == State.TARGET || state == State.BEFORE_VERSION || state == State.HOST || state == State.HOST_END
                || state == State.PORT || (state == State.VERSION && versionAt == HTTP.length);
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
