package dev.deepscreen.trainer.train;

import dev.deepscreen.trainer.data.CropCache;
import dev.deepscreen.trainer.data.Folds;
import dev.deepscreen.trainer.data.Label;
import dev.deepscreen.trainer.data.LabelledVideo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The faces a run trains and validates on. The pool is every video outside the data set's
 * {@code test} split; with folds, the videos of the run's fold (grouped by source video, see
 * {@link Folds}) validate and the others train. With self-blending, every real training face
 * is listed a second time as a fake to be self-blended.
 *
 * @param train training faces, in cache order
 * @param validation validation faces, in cache order
 * @param trainVideos videos behind the training faces
 * @param validationVideos videos behind the validation faces
 */
public record TrainingData(List<FaceBatches.Sample> train, List<FaceBatches.Sample> validation,
    int trainVideos, int validationVideos) {

  /** The split name whose videos never train. */
  public static final String TEST_SPLIT = "test";

  public static TrainingData of(CropCache cache, List<CropCache.Entry> entries,
      TrainingSettings settings) {
    List<CropCache.Entry> pool = entries.stream()
        .filter(e -> !TEST_SPLIT.equals(e.video().split())).toList();
    Map<String, Integer> folds = settings.folds() == 0 ? Map.of()
        : Folds.assign(pool.stream().map(CropCache.Entry::video).toList(), settings.folds(),
            settings.seed());
    List<FaceBatches.Sample> train = new ArrayList<>();
    List<FaceBatches.Sample> validation = new ArrayList<>();
    int trainVideos = 0;
    int validationVideos = 0;
    for (CropCache.Entry entry : pool) {
      LabelledVideo video = entry.video();
      boolean validating = settings.folds() > 0 && folds.get(video.id()) == settings.fold();
      List<FaceBatches.Sample> target = validating ? validation : train;
      for (CropCache.Crop crop : entry.crops().crops()) {
        FaceBatches.Sample sample = new FaceBatches.Sample(entry.file(crop),
            video.label().target(), video.id(), cache.faceInCrop(entry.crops(), crop), false);
        target.add(sample);
        if (!validating && settings.selfBlend() && video.label() == Label.REAL) {
          target.add(sample.selfBlended());
        }
      }
      if (!entry.crops().crops().isEmpty()) {
        if (validating) {
          validationVideos++;
        } else {
          trainVideos++;
        }
      }
    }
    if (train.size() < 2) {
      throw new IllegalArgumentException("Only " + train.size() + " training faces: the data"
          + " set is too small or its faces were not found");
    }
    return new TrainingData(List.copyOf(train), List.copyOf(validation), trainVideos,
        validationVideos);
  }
}
