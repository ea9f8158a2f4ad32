package dev.deepscreen.streams.review;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import dev.deepscreen.core.media.DecodedVideo;
import dev.deepscreen.core.media.FaceBox;
import dev.deepscreen.core.media.FaceDetector;
import dev.deepscreen.core.media.VideoDecoder;
import dev.deepscreen.core.media.VideoException;
import dev.deepscreen.streams.extract.source.FetchedVideo;
import dev.deepscreen.streams.extract.source.VideoSources;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Renders a case's suspicious frames from the source video, through the extraction stage's own
 * parts: its {@link VideoSources} (allowed roots, hosts and buckets, size limit), its {@link
 * VideoDecoder} (formats, size, duration, frame and time limits) sampling the frames it sampled,
 * and its face detector with its settings, which finds the faces it found in the same order (the
 * face index of the face scores). Each face is outlined on a JPEG of the frame.
 */
final class FrameRenderer {

  /** One rendered frame: a JPEG with the faces outlined, and the boxes in frame pixels. */
  record RenderedFrame(int frameIndex, long timeMs, int width, int height, byte[] jpeg,
      List<FaceBox> faces) {}

  /** The rendered frames of one case, by frame index, and what decoding learned. */
  record RenderedCase(DecodedVideo video, Map<Integer, RenderedFrame> frames) {}

  private static final int JPEG_QUALITY = 85;

  private final VideoSources sources;
  private final VideoDecoder decoder;
  private final int framesPerVideo;

  /**
   * @param sources the extraction stage's sources, owned by the caller
   * @param framesPerVideo the extraction stage's sample size, so the same frames are sampled
   */
  FrameRenderer(VideoSources sources, VideoDecoder decoder, int framesPerVideo) {
    this.sources = sources;
    this.decoder = decoder;
    this.framesPerVideo = framesPerVideo;
  }

  /**
   * Fetches and decodes the video behind {@code uri} (an untrusted string from a verdict) and
   * renders the sampled frames of {@code wanted} with the faces {@code detector} finds.
   *
   * @throws VideoException REJECTED when the extraction stage's checks refuse the URI or the
   *     video, UNREADABLE when it is gone or damaged, TIMED_OUT past the limits
   */
  RenderedCase render(String uri, Set<Integer> wanted, FaceDetector detector)
      throws VideoException {
    Map<Integer, RenderedFrame> frames = new HashMap<>();
    try (FetchedVideo video = sources.fetch(uri)) {
      DecodedVideo decoded = decoder.sample(video.path(), framesPerVideo,
          (frameIndex, timestampMs, bgr) -> {
            if (wanted.contains(frameIndex)) {
              List<FaceBox> faces = detector.detect(bgr);
              frames.put(frameIndex, new RenderedFrame(frameIndex, timestampMs, bgr.cols(),
                  bgr.rows(), outlinedJpeg(bgr, faces), faces));
            }
          });
      return new RenderedCase(decoded, Map.copyOf(frames));
    }
  }

  /** A JPEG of {@code bgr} with each face outlined; {@code bgr} itself is left as it was. */
  static byte[] outlinedJpeg(Mat bgr, List<FaceBox> faces) {
    int thickness = Math.max(2, Math.max(bgr.cols(), bgr.rows()) / 300);
    try (Mat canvas = bgr.clone(); Scalar red = new Scalar(0, 0, 255, 0)) {
      for (FaceBox face : faces) {
        try (Rect box = new Rect(face.x(), face.y(), face.width(), face.height())) {
          rectangle(canvas, box, red, thickness, LINE_AA, 0);
        }
      }
      try (BytePointer buffer = new BytePointer();
          IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, JPEG_QUALITY)) {
        if (!imencode(".jpg", canvas, buffer, params)) {
          throw new IllegalStateException("OpenCV could not encode a frame as JPEG");
        }
        byte[] bytes = new byte[(int) buffer.limit()];
        buffer.get(bytes);
        return bytes;
      }
    }
  }
}
