package dev.deepscreen.core.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.bytedeco.opencv.global.opencv_core.mean;

import dev.deepscreen.core.media.ClipWriter.Codec;
import dev.deepscreen.core.media.SampleClips.Faces;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sample clips with fake faces: the faces change, the rest of the picture does not. */
class SampleClipsTest {

  @TempDir
  Path dir;

  private final Map<Faces, Mat> firstFrames = new EnumMap<>(Faces.class);

  @AfterEach
  void closeFrames() {
    firstFrames.values().forEach(Mat::close);
  }

  @Test
  void fakeClipsDifferFromTheRealOneInsideTheFacesOnly() throws Exception {
    for (Faces faces : Faces.values()) {
      Path clip = SampleClips.panningClip(dir.resolve(faces + ".mp4"), "sample1.jpg", faces, 7,
          Codec.H264_MP4, 640, 360, 3, 25);
      new VideoDecoder(DecodeLimits.DEFAULTS).sample(clip, 1, (index, ts, bgr) -> {
        if (index == 0) {
          firstFrames.put(faces, bgr.clone());
        }
      });
    }
    // The first frame shows the photo's window at x = 0, 90% of its width, scaled to 640 wide.
    try (Mat photo = FacePhotos.read("sample1.jpg")) {
      double scale = 640 / (photo.cols() * 0.9);
      int top = (photo.rows() - (int) Math.min(photo.rows(), photo.cols() * 0.9 * 360 / 640)) / 2;
      FaceBox face = FacePhotos.labelledFaces().get("sample1.jpg").get(0);
      try (Rect inner = new Rect((int) ((face.x() + face.width() / 3.0) * scale),
          (int) ((face.y() + face.height() / 3.0 - top) * scale),
          (int) (face.width() / 3.0 * scale), (int) (face.height() / 3.0 * scale));
          Rect corner = new Rect(0, 0, 40, 40)) {
        for (Faces fake : new Faces[] {Faces.SELF_BLENDED, Faces.SWAPPED}) {
          assertThat(meanDifference(firstFrames.get(Faces.REAL), firstFrames.get(fake), inner))
              .as("%s inside the face", fake).isGreaterThan(2);
        }
        assertThat(meanDifference(firstFrames.get(Faces.REAL), firstFrames.get(Faces.SWAPPED),
            corner)).as("away from every face").isLessThan(1.5);
      }
    }
  }

  private static double meanDifference(Mat a, Mat b, Rect region) {
    try (Mat left = new Mat(a, region); Mat right = new Mat(b, region); Mat diff = new Mat()) {
      absdiff(left, right, diff);
      try (Scalar m = mean(diff)) {
        return (m.get(0) + m.get(1) + m.get(2)) / 3;
      }
    }
  }
}
