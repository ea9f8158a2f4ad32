package dev.deepscreen.trainer.data;

import dev.deepscreen.core.media.ClipWriter.Codec;
import dev.deepscreen.trainer.synth.SynthSettings;
import dev.deepscreen.trainer.synth.SyntheticDataset;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The smallest crop cache training tests run on: synthetic clips of two photos (sample3's in the
 * test split), two frames each, 64-pixel crops; a few seconds to make.
 */
public final class TinyCropCache {
  private TinyCropCache() {}

  /** Makes the data set and its filled cache under {@code folder} ({@code synth/}, {@code cache/}). */
  public static CropCache create(Path folder) throws Exception {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    new SyntheticDataset(new SynthSettings(5, List.of("sample1.jpg", "sample3.jpg"),
        List.of("sample3.jpg"), 1, 3, 10, 160, Codec.H264_MP4), quiet)
        .write(folder.resolve("synth"));
    CropCache cache = CropCache.create(folder.resolve("cache"),
        DatasetLayout.DFDC.read(folder.resolve("synth"), null),
        new CropCache.Settings(2, 64, 0.3, 90, 0.7f));
    cache.fill(2, quiet, false);
    return cache;
  }
}
