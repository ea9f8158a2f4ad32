package dev.deepscreen.trainer.eval;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.deepscreen.core.strategy.EnsembleModel;
import dev.deepscreen.trainer.CsvTable;
import dev.deepscreen.trainer.data.Label;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The evaluation report: figures per face and per video as {@code report.json} and
 * {@code report.md}, ROC curves as {@code roc.png}, and every score as {@code faces.csv} and
 * {@code videos.csv}.
 *
 * @param ensemble the ensemble's version
 * @param models its models with their weights in the ensemble mean
 * @param subset which videos were evaluated (a split or a fold)
 * @param strategy how faces were combined per video
 * @param faces per-face figures
 * @param videos per-video figures
 * @param videosWithoutFaces videos scored 0.5 for lack of a face
 */
public record Report(
    @JsonProperty("ensemble") String ensemble,
    @JsonProperty("models") List<EnsembleModel> models,
    @JsonProperty("subset") String subset,
    @JsonProperty("strategy") String strategy,
    @JsonProperty("faces") Figures faces,
    @JsonProperty("videos") Figures videos,
    @JsonProperty("videos_without_faces") int videosWithoutFaces) {

  /** Metrics with their derived rates, as reported. */
  public record Figures(
      @JsonProperty("metrics") Metrics metrics,
      @JsonProperty("accuracy") double accuracy,
      @JsonProperty("precision") double precision,
      @JsonProperty("recall") double recall,
      @JsonProperty("f1") double f1) {
    static Figures of(Metrics metrics) {
      return new Figures(metrics, metrics.accuracy(), metrics.precision(), metrics.recall(),
          metrics.f1());
    }
  }

  /** Computes the report of {@code scores}. */
  public static Report of(String ensemble, String subset, String strategy,
      Evaluator.Scores scores, double threshold, double clip) {
    if (scores.faces().isEmpty()) {
      throw new IllegalArgumentException("No face to evaluate in " + subset);
    }
    Points points = Points.of(scores);
    int faceless = (int) scores.videos().stream().filter(v -> v.faces() == 0).count();
    return new Report(ensemble, scores.models(), subset, strategy,
        Figures.of(Metrics.of(points.faceP(), points.faceY(), threshold, clip)),
        Figures.of(Metrics.of(points.videoP(), points.videoY(), threshold, clip)), faceless);
  }

  /** Writes the report files into {@code folder}. */
  public void write(Path folder, Evaluator.Scores scores) throws IOException {
    Files.createDirectories(folder);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(folder.resolve("report.json").toFile(), this);
    Files.writeString(folder.resolve("report.md"), markdown());
    List<String> faceHeader = new ArrayList<>(List.of("video", "label", "track"));
    models.forEach(m -> faceHeader.add(m.name()));
    faceHeader.add("mean");
    List<List<String>> faceRows = new ArrayList<>();
    for (Evaluator.ScoredFace f : scores.faces()) {
      List<String> row = new ArrayList<>(List.of(f.videoId(), f.label().name(),
          f.face().trackId() == null ? "" : f.face().trackId().toString()));
      for (double p : f.face().probabilities()) {
        row.add(probability(p));
      }
      row.add(probability(f.face().ensembleMean(models)));
      faceRows.add(row);
    }
    CsvTable.write(folder.resolve("faces.csv"), faceHeader, faceRows);
    CsvTable.write(folder.resolve("videos.csv"), List.of("video", "label", "faces", "probability"),
        scores.videos().stream().map(v -> List.of(v.videoId(), v.label().name(),
            Integer.toString(v.faces()), probability(v.probability()))).toList());

    Points points = Points.of(scores);
    List<Chart.Series> curves = new ArrayList<>();
    curves.add(curve(String.format(Locale.ROOT, "faces, AUC %.3f", faces.metrics().auc()),
        points.faceP(), points.faceY()));
    curves.add(curve(String.format(Locale.ROOT, "videos, AUC %.3f", videos.metrics().auc()),
        points.videoP(), points.videoY()));
    Chart.write(folder.resolve("roc.png"), "ROC, ensemble " + ensemble + ", " + subset,
        "false positive rate", "true positive rate", 0, 1, 0, 1, curves, true);
  }

  /**
   * Probabilities and labels (1 fake) per face and per video. A face's probability is the mean
   * over the models, weighted as the manifest says.
   */
  private record Points(double[] faceP, int[] faceY, double[] videoP, int[] videoY) {
    static Points of(Evaluator.Scores scores) {
      return new Points(
          scores.faces().stream().mapToDouble(f -> f.face().ensembleMean(scores.models()))
              .toArray(),
          scores.faces().stream().mapToInt(f -> f.label() == Label.FAKE ? 1 : 0).toArray(),
          scores.videos().stream().mapToDouble(Evaluator.ScoredVideo::probability).toArray(),
          scores.videos().stream().mapToInt(v -> v.label() == Label.FAKE ? 1 : 0).toArray());
    }
  }

  private static Chart.Series curve(String name, double[] p, int[] y) {
    List<Metrics.RocPoint> points = Metrics.roc(p, y);
    return new Chart.Series(name,
        points.stream().mapToDouble(Metrics.RocPoint::falsePositiveRate).toArray(),
        points.stream().mapToDouble(Metrics.RocPoint::truePositiveRate).toArray());
  }

  /** The report as Markdown. */
  public String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Evaluation of ensemble ").append(ensemble).append("\n\n");
    md.append("Models: ").append(String.join(", ", models.stream().map(Object::toString)
        .toList())).append(". Videos: ").append(subset)
        .append(". Per-video strategy: ").append(strategy).append(".\n\n");
    md.append("| | faces | videos |\n|---|---|---|\n");
    row(md, "examples (fake)", faces.metrics().count() + " (" + faces.metrics().positives()
        + ")", videos.metrics().count() + " (" + videos.metrics().positives() + ")");
    row(md, "log loss", f(faces.metrics().logLoss()), f(videos.metrics().logLoss()));
    row(md, "AUC", f(faces.metrics().auc()), f(videos.metrics().auc()));
    row(md, "accuracy", f(faces.accuracy()), f(videos.accuracy()));
    row(md, "precision", f(faces.precision()), f(videos.precision()));
    row(md, "recall", f(faces.recall()), f(videos.recall()));
    row(md, "F1", f(faces.f1()), f(videos.f1()));
    md.append("\nConfusion at threshold ").append(faces.metrics().threshold())
        .append(" (rows: truth, columns: called):\n\n");
    md.append("| | faces: real | faces: fake | videos: real | videos: fake |\n");
    md.append("|---|---|---|---|---|\n");
    md.append("| real | ").append(faces.metrics().trueNegatives()).append(" | ")
        .append(faces.metrics().falsePositives()).append(" | ")
        .append(videos.metrics().trueNegatives()).append(" | ")
        .append(videos.metrics().falsePositives()).append(" |\n");
    md.append("| fake | ").append(faces.metrics().falseNegatives()).append(" | ")
        .append(faces.metrics().truePositives()).append(" | ")
        .append(videos.metrics().falseNegatives()).append(" | ")
        .append(videos.metrics().truePositives()).append(" |\n");
    if (videosWithoutFaces > 0) {
      md.append("\n").append(videosWithoutFaces)
          .append(" videos had no face and were scored 0.5.\n");
    }
    md.append("\n![ROC](roc.png)\n");
    return md.toString();
  }

  private static void row(StringBuilder md, String name, String a, String b) {
    md.append("| ").append(name).append(" | ").append(a).append(" | ").append(b).append(" |\n");
  }

  private static String probability(double value) {
    return String.format(Locale.ROOT, "%.6f", value);
  }

  private static String f(double value) {
    return String.format(Locale.ROOT, "%.4f", value);
  }
}
