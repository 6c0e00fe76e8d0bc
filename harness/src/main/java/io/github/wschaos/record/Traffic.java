package io.github.wschaos.record;

/**
 * What flowed in one direction of an upgraded connection, counted from the frame headers the proxy saw.
 *
 * @param frames every WebSocket frame, data and control
 * @param messages complete data messages (a final text, binary or continuation frame)
 * @param controlFrames ping, pong and close frames
 * @param bytes bytes on the wire after the upgrade, frame headers included
 */
public record Traffic(long frames, long messages, long controlFrames, long bytes) {

    /** No traffic at all. */
    public static final Traffic NONE = new Traffic(0, 0, 0, 0);

    /** Data frames: every frame that is not a control frame. */
    public long dataFrames() {
        return frames - controlFrames;
    }

    @Override
    public String toString() {
        return messages + " messages, " + frames + " frames (" + controlFrames + " control), " + bytes + " bytes";
    }
}
