package dev.deepscreen.core.media;


import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Samples a video's frames, finds the faces in each, links them into tracks and cuts each into
 * a JPEG model-input square: the work of the extraction stage on one video, without Kafka.
 * Owns its detector; one instance per thread.
 */
public final class FaceExtractor implements AutoCloseable {

  /** What came out of one video. */
  public record Extraction(DecodedVideo video, List<ExtractedFace> faces, long detectMs) {}

  private final VideoDecoder decoder;
  private final FaceDetector detector;
  private final FaceCropper cropper;
  private final int framesPerVideo;
  private final int jpegQuality;

  public FaceExtractor(VideoDecoder decoder, FaceDetector detector, FaceCropper cropper,
      int framesPerVideo, int jpegQuality) {
    if (framesPerVideo < 1 || jpegQuality < 1 || jpegQuality > 100) {
      throw new IllegalArgumentException("framesPerVideo >= 1 and jpegQuality in [1, 100]");
    }
    this.decoder = decoder;
    this.detector = detector;
    this.cropper = cropper;
    this.framesPerVideo = framesPerVideo;
    this.jpegQuality = jpegQuality;
  }

  /** Extracts the faces of a local video file. */
  public Extraction extract(Path file) throws VideoException {
    List<ExtractedFace> faces = new ArrayList<>();
    FaceTracker tracker = new FaceTracker(0.3, 2);
    long[] detectNanos = {0};
    DecodedVideo video = decoder.sample(file, framesPerVideo, (frameIndex, timestampMs, bgr) -> {
      long start = System.nanoTime();
      List<FaceBox> boxes = detector.detect(bgr);
      detectNanos[0] += System.nanoTime() - start;
      int[] tracks = tracker.assign(boxes);
      for (int i = 0; i < boxes.size(); i++) {
        try (Mat square = cropper.crop(bgr, boxes.get(i))) {
          faces.add(new ExtractedFace(frameIndex, timestampMs, i, tracks[i], boxes.get(i),
              Jpeg.encode(square, jpegQuality), cropper.inputSize()));
        }
      }
    });
    return new Extraction(video, faces, detectNanos[0] / 1_000_000);
  }

  @Override
  public void close() {
    detector.close();
  }
}
