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

/**
 * Median milliseconds per video for sampling 32 frames, and for sampling plus face detection and
 * cropping, over {@code runs} runs after one warm-up. Run by {@code streams/bench/sampling.sh},
 * which measures the peers on the same clips in the same run. Not a test.
 *
 * <p>Arguments: runs, decoder threads (0 = FFmpeg's choice), then video files.
 */
public final class SamplingBenchmark {
  public static void main(String[] args) throws Exception {
    int runs = Integer.parseInt(args[0]);
    int threads = Integer.parseInt(args[1]);
    VideoDecoder decoder = new VideoDecoder(DecodeLimits.DEFAULTS, threads);
    try (FaceExtractor extractor = new FaceExtractor(decoder,
        FaceDetector.ultraFace(FaceDetector.Settings.DEFAULTS), new FaceCropper(380, 0.3), 32,
        90)) {
      for (int i = 2; i < args.length; i++) {
        Path clip = Path.of(args[i]);
        int[] sampled = {0};
        double sampling = median(runs, () -> {
          sampled[0] = 0;
          decoder.sample(clip, 32, (index, ts, bgr) -> sampled[0]++);
        });
        int[] faces = {0};
        double withFaces = median(runs, () -> faces[0] = extractor.extract(clip).faces().size());
        System.out.printf("%s sample_ms=%.1f frames=%d sample_detect_crop_ms=%.1f faces=%d%n",
            clip.getFileName(), sampling, sampled[0], withFaces, faces[0]);
      }
    }
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
