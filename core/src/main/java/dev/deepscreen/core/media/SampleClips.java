package dev.deepscreen.core.media;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.deepscreen.core.media.ClipWriter.Codec;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Video clips made from the real {@link FacePhotos}: a slow pan across a group photo, encoded
 * with FFmpeg (H.264 through OpenH264, or MPEG-4 Part 2). The demo submits them when given no
 * videos; the tests decode, sample and detect on them, genuine compressed video with genuine
 * faces. A clip's faces may also be fakes, made as the trainer's synthetic data set makes them
 * ({@link FaceBlender}), so that the demo has both answers to show.
 */
public final class SampleClips {

  /** What a clip's faces are. */
  public enum Faces {
    /** The photo as it is. */
    REAL,
    /** Every face replaced by a jittered copy of itself ({@link FaceBlender#selfBlend}). */
    SELF_BLENDED,
    /** Every face replaced by another photo's face ({@link FaceBlender#swap}). */
    SWAPPED
  }

  private SampleClips() {}

  /**
   * Writes a clip panning across {@code photo} whose faces are {@code faces}; the fakes' random
   * choices come from {@code seed}, so a seed gives the same clip.
   */
  public static Path panningClip(Path target, String photo, Faces faces, long seed, Codec codec,
      int width, int height, int frames, double fps) throws FrameRecorder.Exception {
    try (Mat source = FacePhotos.read(photo)) {
      SplittableRandom random = new SplittableRandom(seed);
      List<FaceBox> boxes = FacePhotos.labelledFaces().get(photo);
      if (faces == Faces.SELF_BLENDED) {
        boxes.forEach(face -> FaceBlender.selfBlend(source, face, random));
      } else if (faces == Faces.SWAPPED) {
        String donorName = FacePhotos.NAMES.get(
            (FacePhotos.NAMES.indexOf(photo) + 1) % FacePhotos.NAMES.size());
        List<FaceBox> donors = FacePhotos.labelledFaces().get(donorName);
        try (Mat donor = FacePhotos.read(donorName)) {
          for (int i = 0; i < boxes.size(); i++) {
            FaceBlender.swap(source, boxes.get(i), donor, donors.get(i % donors.size()), random);
          }
        }
      }
      return pan(target, source, codec, width, height, frames, fps, 0, (int) Math.round(fps), -1);
    }
  }

  /**
   * Writes a clip of {@code frames} frames at {@code fps} panning slowly across {@code photo},
   * each frame {@code width}x{@code height}, with an optional display rotation.
   */
  public static Path panningClip(Path target, String photo, Codec codec, int width, int height,
      int frames, double fps, int displayRotation) throws FrameRecorder.Exception {
    return panningClip(target, photo, codec, width, height, frames, fps, displayRotation,
        (int) Math.round(fps), -1);
  }

  /**
   * As {@link #panningClip(Path, String, Codec, int, int, int, double, int)}, with a keyframe
   * every {@code gopSize} frames and up to {@code bFrames} B-frames in a row (negative: the
   * encoder's default; OpenH264 makes none).
   */
  public static Path panningClip(Path target, String photo, Codec codec, int width, int height,
      int frames, double fps, int displayRotation, int gopSize, int bFrames)
      throws FrameRecorder.Exception {
    try (Mat source = FacePhotos.read(photo)) {
      return pan(target, source, codec, width, height, frames, fps, displayRotation, gopSize,
          bFrames);
    }
  }

  private static Path pan(Path target, Mat source, Codec codec, int width, int height,
      int frames, double fps, int displayRotation, int gopSize, int bFrames)
      throws FrameRecorder.Exception {
    try (ClipWriter clip = ClipWriter.open(target, codec, width, height, fps,
        Math.max(200_000, width * height * 3), displayRotation, gopSize, bFrames)) {
      // A window of the photo's aspect ratio that covers 90% of it, sliding left to right.
      int windowWidth = (int) (source.cols() * 0.9);
      int windowHeight = Math.min(source.rows(), windowWidth * height / width);
      for (int i = 0; i < frames; i++) {
        int x = (source.cols() - windowWidth) * i / Math.max(1, frames - 1);
        int y = (source.rows() - windowHeight) / 2;
        try (Rect window = new Rect(x, y, windowWidth, windowHeight);
            Mat view = new Mat(source, window); Mat frame = new Mat();
            Size size = new Size(width, height)) {
          resize(view, frame, size, 0, 0, INTER_AREA);
          clip.write(frame);
        }
      }
    }
    return target;
  }
}
