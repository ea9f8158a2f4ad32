package dev.deepscreen.streams.review;

import dev.deepscreen.avro.FrameScore;
import dev.deepscreen.avro.Verdict;
import dev.deepscreen.core.media.ClipWriter.Codec;
import dev.deepscreen.core.media.DecodeLimits;
import dev.deepscreen.core.media.SampleClips;
import dev.deepscreen.core.media.VideoDecoder;
import dev.deepscreen.schemas.SampleRecords;
import dev.deepscreen.streams.extract.source.FileVideoSource;
import dev.deepscreen.streams.extract.source.VideoSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Milliseconds to render a case page's frames, against a plain decode of the same 32 sampled
 * frames of the same clip: the render fetches the video through the extraction stage's file
 * source, decodes the same sample, encodes the four shown frames as JPEGs and writes the page's
 * HTML. The two take turns in each round; medians are
 * printed. Run by {@code streams/bench/case-render.sh}. Not a test.
 *
 * <p>Arguments: rounds, then WIDTHxHEIGHT sizes of the clips to make (10 s at 30 fps each).
 */
public final class CaseRenderBenchmark {

  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[0]);
    Path dir = Files.createTempDirectory("case-render");
    VideoDecoder decoder = new VideoDecoder(DecodeLimits.DEFAULTS, 1, true);
    try (VideoSources sources = new VideoSources(List.of(new FileVideoSource(List.of(dir),
        DecodeLimits.DEFAULTS.maxBytes())))) {
      FrameRenderer renderer = new FrameRenderer(sources, decoder, 32);
      System.out.println("size       decode_ms  render_ms  ratio  (medians of " + rounds
          + " rounds)");
      for (int i = 1; i < args.length; i++) {
        String[] size = args[i].split("x");
        Path clip = SampleClips.panningClip(dir.resolve("clip-" + args[i] + ".mp4"),
            "sample5.jpg", Codec.H264_MP4, Integer.parseInt(size[0]), Integer.parseInt(size[1]),
            300, 30, 0);
        // The four shown frames: sampled frames as the decoder numbers them.
        List<Integer> sampled = new ArrayList<>();
        decoder.sample(clip, 32, (index, ms, bgr) -> sampled.add(index));
        Set<Integer> shown = Set.of(sampled.get(3), sampled.get(11), sampled.get(19),
            sampled.get(27));
        Verdict verdict = Verdict.newBuilder(SampleRecords.verdict())
            .setUri(clip.toUri().toString()).setTopFrames(shown.stream()
                .map(f -> new FrameScore(f, 0L, 0.9, 1, null)).toList()).build();
        List<Double> decodes = new ArrayList<>();
        List<Double> renders = new ArrayList<>();
        for (int round = 0; round <= rounds; round++) {
          long start = System.nanoTime();
          decoder.sample(clip, 32, (index, ms, bgr) -> { });
          double decode = (System.nanoTime() - start) / 1e6;
          start = System.nanoTime();
          FrameRenderer.RenderedCase rendered = renderer.render(verdict.getUri(), shown);
          String page = CasePage.render("n", "bench", "c", new CasePage.Model(verdict, null,
              null, CasePage.frames(verdict, shown, List.of(), null, 0.3), List.of(), "f"));
          double render = (System.nanoTime() - start) / 1e6;
          if (rendered.frames().size() != shown.size() || page.isEmpty()) {
            throw new IllegalStateException("rendered " + rendered.frames().keySet()
                + ", not the shown frames " + shown);
          }
          if (round > 0) { // round 0 warms up
            decodes.add(decode);
            renders.add(render);
          }
        }
        double d = median(decodes);
        double r = median(renders);
        System.out.printf(Locale.ROOT, "%-10s %9.1f  %9.1f  %5.2f%n", args[i], d, r, r / d);
      }
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
