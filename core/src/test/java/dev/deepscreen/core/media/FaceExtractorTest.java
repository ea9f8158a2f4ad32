package dev.deepscreen.core.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import dev.deepscreen.core.media.ClipWriter.Codec;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The extraction of one real clip: sampled frames, faces, tracks and JPEG crops. */
class FaceExtractorTest {

  @TempDir
  Path dir;

  @Test
  void aClipOfAGroupPhotoGivesEachPersonATrackAndCropsOfTheInputSize() throws Exception {
    Path clip = SampleClips.panningClip(dir.resolve("group.mp4"), "sample5.jpg", Codec.H264_MP4,
        640, 360, 90, 30, 0);
    FaceExtractor.Extraction extraction;
    try (FaceExtractor extractor = new FaceExtractor(new VideoDecoder(DecodeLimits.DEFAULTS),
        FaceDetector.ultraFace(FaceDetector.Settings.DEFAULTS), new FaceCropper(224, 0.3), 32,
        90)) {
      extraction = extractor.extract(clip);
    }

    assertThat(extraction.video().framesSampled()).isEqualTo(32);
    Map<Integer, Long> facesPerFrame = extraction.faces().stream()
        .collect(Collectors.groupingBy(ExtractedFace::frameIndex, Collectors.counting()));
    // The photo has five people; the panning window keeps at least four of them in view.
    assertThat(facesPerFrame).hasSize(32);
    assertThat(facesPerFrame.values()).allSatisfy(n -> assertThat(n).isBetween(4L, 5L));
    // One track per person, not one per frame.
    long tracks = extraction.faces().stream().map(ExtractedFace::trackId).distinct().count();
    assertThat(tracks).isBetween(4L, 7L);
    ExtractedFace first = extraction.faces().get(0);
    try (Mat decoded = imdecode(new Mat(first.jpeg()), IMREAD_COLOR)) {
      assertThat(decoded.cols()).isEqualTo(224);
      assertThat(decoded.rows()).isEqualTo(224);
    }
    assertThat(extraction.faces()).allSatisfy(f -> assertThat(f.jpeg().length).isBetween(1000,
        60_000));
  }
}
