package dev.deepscreen.streams.bench;

import dev.deepscreen.core.media.DecodeLimits;
import dev.deepscreen.core.media.DecodedVideo;
import dev.deepscreen.core.media.FaceCropper;
import dev.deepscreen.core.media.FaceDetector;
import dev.deepscreen.core.media.FaceExtractor;
import dev.deepscreen.core.media.FrameSampling;
import dev.deepscreen.core.media.VideoDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Milliseconds per video to sample 32 frames: this project's decoder (leaving unsampled frames
 * undecoded where it can, and decoding every frame), the same plus face detection and cropping,
 * the reference solution's reader (Python OpenCV, {@code streams/bench/reference_reader.py}) and
 * the ffmpeg CLI selecting the same 32 frames. The readers take turns, clip by clip, in every
 * round, so that a shared machine's load falls on all of them alike; the medians over the rounds
 * are printed. Besides wall-clock time, the CPU time of the process (all threads, FFmpeg's
 * included) is measured for this project's sampling and for the reference reader: on a busy
 * machine a reader with more threads gets a larger share of the cores, which the CPU time does
 * not reward. Before timing, checks that both ways of decoding hand over the same frames, pixel
 * for pixel. Run by {@code streams/bench/sampling.sh}. Not a test.
 *
 * <p>Arguments: rounds, decoder threads (0 = FFmpeg's choice), then video files. System
 * properties {@code python} and {@code ffmpeg} name the peers' programs.
 */
public final class SamplingBenchmark {

  private static final int FRAMES = 32;

  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[0]);
    int threads = Integer.parseInt(args[1]);
    List<Path> clips = Arrays.stream(args).skip(2).map(Path::of).toList();
    String python = System.getProperty("python", "/usr/bin/python3");
    String ffmpeg = System.getProperty("ffmpeg", "ffmpeg");
    VideoDecoder skipping = new VideoDecoder(DecodeLimits.DEFAULTS, threads, true);
    VideoDecoder everyFrame = new VideoDecoder(DecodeLimits.DEFAULTS, threads, false);
    String[] readers = {"deepscreen", "deepscreen_decode_all", "deepscreen_detect_crop",
        "reference", "ffmpeg_cli", "deepscreen_cpu", "reference_cpu"};
    Map<Path, Map<String, List<Double>>> times = new LinkedHashMap<>();
    Map<Path, String> notes = new LinkedHashMap<>();
    try (FaceExtractor extractor = new FaceExtractor(skipping,
        FaceDetector.ultraFace(FaceDetector.Settings.DEFAULTS), new FaceCropper(380, 0.3),
        FRAMES, 90)) {
      Map<Path, List<String>> ffmpegCommands = new LinkedHashMap<>();
      for (Path clip : clips) {
        List<String> skipped = fingerprints(skipping, clip);
        if (!skipped.equals(fingerprints(everyFrame, clip))) {
          throw new IllegalStateException(clip + ": decoding every frame gives other frames");
        }
        DecodedVideo video = skipping.sample(clip, FRAMES, (index, ts, bgr) -> { });
        int faces = extractor.extract(clip).faces().size();
        notes.put(clip, String.format("frames=%d sampled=%d decoded=%d faces=%d same_pixels=true",
            video.frameCount(), video.framesSampled(), video.framesDecoded(), faces));
        ffmpegCommands.put(clip, ffmpegCommand(ffmpeg, threads, clip, video.frameCount()));
        run(ffmpegCommands.get(clip)); // warm-up
        Map<String, List<Double>> byReader = new LinkedHashMap<>();
        for (String reader : readers) {
          byReader.put(reader, new ArrayList<>());
        }
        times.put(clip, byReader);
      }
      for (int round = 0; round < rounds; round++) {
        for (Path clip : clips) {
          Map<String, List<Double>> t = times.get(clip);
          long cpu = processCpuNanos();
          t.get("deepscreen").add(millis(() -> skipping.sample(clip, FRAMES, (i, ts, m) -> { })));
          t.get("deepscreen_cpu").add((processCpuNanos() - cpu) / 1e6);
          t.get("deepscreen_decode_all").add(millis(() -> everyFrame.sample(clip, FRAMES,
              (i, ts, m) -> { })));
          t.get("deepscreen_detect_crop").add(millis(() -> extractor.extract(clip)));
          double[] reference = reference(python, clip);
          t.get("reference").add(reference[0]);
          t.get("reference_cpu").add(reference[1]);
          t.get("ffmpeg_cli").add(millis(() -> run(ffmpegCommands.get(clip))));
        }
      }
    }
    System.out.println("clip | " + String.join(" | ", readers)
        + " | reference/deepscreen | deepscreen/ffmpeg_cli | reference/deepscreen CPU | notes");
    for (Path clip : clips) {
      Map<String, Double> median = times.get(clip).entrySet().stream().collect(Collectors.toMap(
          Map.Entry::getKey, e -> median(e.getValue()), (a, b) -> a, LinkedHashMap::new));
      System.out.printf("%s | %s | %.2f | %.2f | %.2f | %s%n", clip.getFileName(),
          median.values().stream().map(m -> String.format("%.0f", m))
              .collect(Collectors.joining(" | ")),
          median.get("reference") / median.get("deepscreen"),
          median.get("deepscreen") / median.get("ffmpeg_cli"),
          median.get("reference_cpu") / median.get("deepscreen_cpu"), notes.get(clip));
    }
  }

  /** The CLI decoding the clip and keeping the sampled frames as raw BGR, thrown away. */
  private static List<String> ffmpegCommand(String ffmpeg, int threads, Path clip,
      long frameCount) {
    String select = Arrays.stream(FrameSampling.indices(frameCount, FRAMES))
        .mapToObj(i -> "eq(n\\," + i + ")").collect(Collectors.joining("+"));
    return List.of(ffmpeg, "-loglevel", "error", "-threads", Integer.toString(threads), "-i",
        clip.toString(), "-vf", "select=" + select, "-vsync", "0", "-f", "rawvideo",
        "-pix_fmt", "bgr24", "-y", "/dev/null");
  }

  /**
   * One timed run of the reference reader, as the reader measures itself (after a warm-up):
   * wall-clock and CPU milliseconds.
   */
  private static double[] reference(String python, Path clip) throws Exception {
    String out = run(List.of(python, "streams/bench/reference_reader.py", clip.toString(), "1"));
    String[] fields = out.trim().split("\\s+");
    if (!fields[1].equals(Integer.toString(FRAMES))) {
      throw new IllegalStateException("The reference reader returned " + fields[1] + " frames");
    }
    return new double[] {Double.parseDouble(fields[0]), Double.parseDouble(fields[2])};
  }

  /** CPU time of this process, all threads (FFmpeg's too). */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException(command.get(0) + " failed: " + out);
    }
    return out;
  }

  /** Index and CRC-32 of the pixels of each sampled frame. */
  private static List<String> fingerprints(VideoDecoder decoder, Path clip) throws Exception {
    List<String> frames = new ArrayList<>();
    decoder.sample(clip, FRAMES, (index, ts, bgr) -> frames.add(index + ":" + crc(bgr)));
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

  private static double millis(Run run) throws Exception {
    long start = System.nanoTime();
    run.run();
    return (System.nanoTime() - start) / 1e6;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
