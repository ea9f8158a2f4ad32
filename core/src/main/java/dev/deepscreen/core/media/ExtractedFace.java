package dev.deepscreen.core.media;

/**
 * One face crop ready to score.
 *
 * @param frameIndex index of the sampled frame in decoding order
 * @param timestampMs presentation time of the frame
 * @param faceIndex index of the face in its frame, most confident first
 * @param trackId the person track the face belongs to
 * @param box the detected box in frame coordinates
 * @param jpeg the model-input square, JPEG-encoded
 * @param size side of the square, pixels
 */
public record ExtractedFace(int frameIndex, long timestampMs, int faceIndex, int trackId,
    FaceBox box, byte[] jpeg, int size) {}
