package dev.deepscreen.trainer.eval;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import dev.deepscreen.core.inference.Ensemble;
import dev.deepscreen.core.inference.FaceBatch;
import dev.deepscreen.core.inference.ScoreOutput;
import dev.deepscreen.core.strategy.EnsembleModel;
import dev.deepscreen.core.strategy.EnsembleStrategy;
import dev.deepscreen.core.strategy.Face;
import dev.deepscreen.trainer.Progress;
import dev.deepscreen.trainer.data.CropCache;
import dev.deepscreen.trainer.data.Label;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Scores a data set's faces with an exported ensemble exactly as the scoring stage does (the
 * same {@link Ensemble} loader, preprocessing and models) and combines them per video with the
 * aggregation stage's own {@link EnsembleStrategy}, with the manifest's weights. A video without
 * a face gets 0.5, as in the reference solution.
 */
public final class Evaluator {

  /** The probability given to a video in which no face was found. */
  public static final double NO_FACE_PROBABILITY = 0.5;

  /** One scored face: its video, label and each model's probability. */
  public record ScoredFace(String videoId, Label label, Face face) {}

  /** One video's label and probability, and its face count. */
  public record ScoredVideo(String videoId, Label label, double probability, int faces) {}

  /** Every face and video scored, and the models with their weights in the ensemble mean. */
  public record Scores(List<EnsembleModel> models, List<ScoredFace> faces,
      List<ScoredVideo> videos) {}

  private final Ensemble ensemble;
  private final EnsembleStrategy strategy;
  private final int batchSize;

  public Evaluator(Ensemble ensemble, EnsembleStrategy strategy, int batchSize) {
    this.ensemble = ensemble;
    this.strategy = strategy;
    this.batchSize = batchSize;
  }

  /** Scores the faces of {@code entries}, reporting progress per video. */
  public Scores score(List<CropCache.Entry> entries, PrintStream out, boolean interactive) {
    List<EnsembleModel> models = ensemble.models();
    List<ScoredFace> faces = new ArrayList<>();
    List<ScoredVideo> videos = new ArrayList<>();
    Progress progress = new Progress(out, "evaluate", entries.size(), interactive);
    int done = 0;
    for (CropCache.Entry entry : entries) {
      List<CropCache.Crop> crops = entry.crops().crops();
      List<Face> videoFaces = new ArrayList<>();
      for (int from = 0; from < crops.size(); from += batchSize) {
        List<CropCache.Crop> chunk = crops.subList(from, Math.min(crops.size(),
            from + batchSize));
        double[][] probabilities = new double[chunk.size()][models.size()];
        for (int m = 0; m < models.size(); m++) {
          Ensemble.Member member = ensemble.members().get(m);
          FaceBatch batch = member.newBatch(chunk.size());
          for (int i = 0; i < chunk.size(); i++) {
            try (Mat crop = imread(entry.file(chunk.get(i)).toString(), IMREAD_COLOR)) {
              if (crop.empty()) {
                throw new IllegalStateException("Cannot read the face crop "
                    + entry.file(chunk.get(i)));
              }
              member.preprocessor().write(crop, batch, i);
            }
          }
          float[] logits = member.model().logits(batch);
          for (int i = 0; i < logits.length; i++) {
            probabilities[i][m] = ScoreOutput.probability(logits[i]);
          }
        }
        for (int i = 0; i < chunk.size(); i++) {
          Face face = new Face(chunk.get(i).trackId(), probabilities[i]);
          videoFaces.add(face);
          faces.add(new ScoredFace(entry.video().id(), entry.video().label(), face));
        }
      }
      double probability = videoFaces.isEmpty() ? NO_FACE_PROBABILITY
          : strategy.apply(models, videoFaces).probability();
      videos.add(new ScoredVideo(entry.video().id(), entry.video().label(), probability,
          videoFaces.size()));
      progress.update(++done, "faces " + faces.size());
    }
    return new Scores(models, faces, videos);
  }
}
