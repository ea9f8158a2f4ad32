package dev.deepscreen.trainer.cli;

import dev.deepscreen.core.media.ClipWriter.Codec;
import dev.deepscreen.core.media.FacePhotos;
import dev.deepscreen.trainer.synth.SynthSettings;
import dev.deepscreen.trainer.synth.SyntheticDataset;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "synth", description = {
    "Builds a labelled demonstration data set in the DFDC layout from the real face photos"
        + " shipped with Deepscreen: real clips are camera moves over the photos, fakes are"
        + " self-blended faces and face swaps. Not a substitute for real deepfakes."})
final class SynthCommand implements Callable<Integer> {
  @ParentCommand
  TrainerCli cli;

  @Option(names = "--out", required = true, description = "Empty or new folder to write.")
  Path out;

  @Option(names = "--seed", defaultValue = "7", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--photos", split = ",", description = "Photos to use (default: all of "
      + "sample1.jpg..sample6.jpg).")
  List<String> photos = FacePhotos.NAMES;

  @Option(names = "--test-photos", split = ",", defaultValue = "sample2.jpg,sample6.jpg",
      description = "Photos whose clips form the test split (default: ${DEFAULT-VALUE}).")
  List<String> testPhotos;

  @Option(names = "--clips-per-face", defaultValue = "4",
      description = "Real clips per face, each with two fakes (default: ${DEFAULT-VALUE}).")
  int clipsPerFace;

  @Option(names = "--frames", defaultValue = "16",
      description = "Frames per clip (default: ${DEFAULT-VALUE}).")
  int frames;

  @Option(names = "--fps", defaultValue = "15", description = "Frame rate (default: ${DEFAULT-VALUE}).")
  double fps;

  @Option(names = "--size", defaultValue = "256",
      description = "Side of the square frames, even (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--codec", defaultValue = "H264_MP4",
      description = "H264_MP4, MPEG4_AVI or MPEG4_MKV (default: ${DEFAULT-VALUE}).")
  Codec codec;

  @Override
  public Integer call() throws Exception {
    SynthSettings settings = new SynthSettings(seed, photos, testPhotos, clipsPerFace, frames,
        fps, size, codec);
    long started = System.nanoTime();
    SyntheticDataset.Summary summary = new SyntheticDataset(settings, cli.out)
        .write(out);
    cli.out.printf("synth: %d clips (%d real, %d self-blended, %d swapped;"
        + " %d in the test split) in %s, %.0f s%n", summary.total(), summary.real(),
        summary.selfBlended(), summary.swapped(), summary.test(), out,
        (System.nanoTime() - started) / 1e9);
    return 0;
  }
}
