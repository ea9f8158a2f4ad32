package dev.deepscreen.core.media;

/**
 * What decoding learned about a video and what it cost.
 *
 * @param container container format as the demuxer names it
 * @param videoCodec video codec name
 * @param width frame width after rotation, pixels
 * @param height frame height after rotation, pixels
 * @param rotationDegrees clockwise rotation applied from the display matrix: 0, 90, 180 or 270
 * @param durationMs duration the container declares, or -1
 * @param frameRate average frame rate the stream declares, or 0
 * @param declaredFrameCount frame count the container declares, or -1
 * @param frameCount video packets counted in the file, the count the sample indices come from
 * @param framesDecoded frames actually decoded
 * @param framesSampled frames handed to the consumer
 * @param bytes size of the file
 * @param decodeMs wall-clock milliseconds spent reading, including the consumer's time
 */
public record DecodedVideo(String container, String videoCodec, int width, int height,
    int rotationDegrees, long durationMs, double frameRate, long declaredFrameCount,
    long frameCount, long framesDecoded, int framesSampled, long bytes, long decodeMs) {}
