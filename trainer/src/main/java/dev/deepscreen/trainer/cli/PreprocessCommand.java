package dev.deepscreen.trainer.cli;

import dev.deepscreen.trainer.data.CropCache;
import dev.deepscreen.trainer.data.DatasetLayout;
import dev.deepscreen.trainer.data.LabelledVideo;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "preprocess", description = {
    "Samples each video's frames, finds and crops the faces with the extraction stage's own"
        + " code, and stores the crops in a cache folder. Run it again to resume."})
final class PreprocessCommand implements Callable<Integer> {
  @ParentCommand
  TrainerCli cli;

  @Option(names = "--dataset", required = true,
      description = "DFDC folder (metadata.json), FaceForensics++ folder, or CSV file.")
  Path dataset;

  @Option(names = "--layout", description = "DFDC, FACEFORENSICS or CSV (default: detected).")
  DatasetLayout layout;

  @Option(names = "--compression", description = "FaceForensics++ compression: c0, c23 or c40"
      + " (default: the only one present).")
  String compression;

  @Option(names = "--cache", required = true, description = "Folder of the crops.")
  Path cache;

  @Option(names = "--frames", defaultValue = "32",
      description = "Frames sampled per video (default: ${DEFAULT-VALUE}, as the pipeline).")
  int frames;

  @Option(names = "--crop-size", defaultValue = "380",
      description = "Side of the square crops (default: ${DEFAULT-VALUE}, as the pipeline).")
  int cropSize;

  @Option(names = "--margin", defaultValue = "0.3",
      description = "Face box margin on each side (default: ${DEFAULT-VALUE}).")
  double margin;

  @Option(names = "--jpeg-quality", defaultValue = "90",
      description = "JPEG quality of the crops (default: ${DEFAULT-VALUE}).")
  int jpegQuality;

  @Option(names = "--detector-threshold", defaultValue = "0.7",
      description = "Least face probability (default: ${DEFAULT-VALUE}).")
  float detectorThreshold;

  @Option(names = "--threads", defaultValue = "2",
      description = "Videos processed in parallel (default: ${DEFAULT-VALUE}).")
  int threads;

  @Override
  public Integer call() throws Exception {
    DatasetLayout chosen = layout != null ? layout : DatasetLayout.detect(dataset);
    List<LabelledVideo> videos = chosen.read(dataset, compression);
    long fakes = videos.stream().filter(v -> v.label() == dev.deepscreen.trainer.data.Label.FAKE)
        .count();
    var out = cli.out;
    out.printf("preprocess: %s data set, %d videos (%d fake)%n", chosen, videos.size(), fakes);
    CropCache crops = CropCache.create(cache, videos, new CropCache.Settings(frames, cropSize,
        margin, jpegQuality, detectorThreshold));
    long started = System.nanoTime();
    crops.fill(threads, cli.out, cli.interactive);
    long faces = crops.entries().stream().mapToLong(e -> e.crops().crops().size()).sum();
    long unreadable = crops.entries().stream().filter(e -> e.crops().error() != null).count();
    long faceless = crops.entries().stream().filter(e -> e.crops().crops().isEmpty()).count();
    out.printf("preprocess: %d faces from %d videos (%d without a face, %d unreadable) in %s,"
        + " %.0f s%n", faces, videos.size(), faceless, unreadable, cache,
        (System.nanoTime() - started) / 1e9);
    return 0;
  }
}
