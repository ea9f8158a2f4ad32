package dev.deepscreen.streams.bench;

import dev.deepscreen.streams.media.DecodeLimits;
import dev.deepscreen.streams.media.FaceCropper;
import dev.deepscreen.streams.media.FaceDetector;
import dev.deepscreen.streams.media.FaceExtractor;
import dev.deepscreen.streams.media.VideoDecoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Median milliseconds per video for sampling 32 frames (leaving unsampled frames undecoded where
 * possible, and decoding every frame), and for sampling plus face detection and cropping, over
 * {@code runs} runs after one warm-up. Before timing, checks that both ways of sampling hand over
 * the same frames, pixel for pixel. Run by {@code streams/bench/sampling.sh}, which measures the
 * peers on the same clips in the same run. Not a test.
 *
 * <p>Arguments: runs, decoder threads (0 = FFmpeg's choice), then video files.
 */
public final class SamplingBenchmark {
  public static void main(String[] args) throws Exception {
    int runs = Integer.parseInt(args[0]);
    int threads = Integer.parseInt(args[1]);
    VideoDecoder skipping = new VideoDecoder(DecodeLimits.DEFAULTS, threads, true);
    VideoDecoder everyFrame = new VideoDecoder(DecodeLimits.DEFAULTS, threads, false);
    try (FaceExtractor extractor = new FaceExtractor(skipping,
        FaceDetector.ultraFace(FaceDetector.Settings.DEFAULTS), new FaceCropper(380, 0.3), 32,
        90)) {
      for (int i = 2; i < args.length; i++) {
        Path clip = Path.of(args[i]);
        List<String> skipped = fingerprints(skipping, clip);
        List<String> all = fingerprints(everyFrame, clip);
        if (!skipped.equals(all)) {
          throw new IllegalStateException(clip + ": the sampled frames differ: " + skipped
              + " versus " + all);
        }
        long[] decoded = {0};
        double sampling = median(runs, () -> decoded[0] = skipping.sample(clip, 32,
            (index, ts, bgr) -> { }).framesDecoded());
        double decodingAll = median(runs, () -> everyFrame.sample(clip, 32,
            (index, ts, bgr) -> { }));
        int[] faces = {0};
        double withFaces = median(runs, () -> faces[0] = extractor.extract(clip).faces().size());
        System.out.printf("%s sample_ms=%.1f frames=%d decoded=%d same_pixels=true"
            + " decode_all_ms=%.1f sample_detect_crop_ms=%.1f faces=%d%n", clip.getFileName(),
            sampling, skipped.size(), decoded[0], decodingAll, withFaces, faces[0]);
      }
    }
  }

  /** Index and CRC-32 of the pixels of each sampled frame. */
  private static List<String> fingerprints(VideoDecoder decoder, Path clip) throws Exception {
    List<String> frames = new ArrayList<>();
    decoder.sample(clip, 32, (index, ts, bgr) -> frames.add(index + ":" + crc(bgr)));
    return frames;
  }

  private static long crc(Mat bgr) {
    byte[] row = new byte[(int) (bgr.cols() * bgr.elemSize())];
    CRC32 crc = new CRC32();
    for (int y = 0; y < bgr.rows(); y++) {
      bgr.ptr(y).get(row);
      crc.update(row);
    }
    return crc.getValue();
  }

  private interface Run {
    void run() throws Exception;
  }

  private static double median(int runs, Run run) throws Exception {
    run.run();
    List<Double> times = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      run.run();
      times.add((System.nanoTime() - start) / 1e6);
    }
    Collections.sort(times);
    return times.get(times.size() / 2);
  }
}
