package dev.deepscreen.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deepscreen.core.strategy.EnsembleModel;
import dev.deepscreen.core.strategy.Face;
import dev.deepscreen.trainer.CsvTable;
import dev.deepscreen.trainer.data.Label;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-face figures of a report over scores given by hand. */
class ReportTest {

  private static final List<EnsembleModel> THREE_TO_ONE =
      List.of(new EnsembleModel("a", 3), new EnsembleModel("b", 1));

  /** A real face that model a finds real and b fake, and the reverse for a fake face. */
  private static Evaluator.Scores scores() {
    return new Evaluator.Scores(THREE_TO_ONE, List.of(
        new Evaluator.ScoredFace("v1", Label.REAL, new Face(null, new double[] {0.2, 0.8})),
        new Evaluator.ScoredFace("v2", Label.FAKE, new Face(null, new double[] {0.6, 0.0}))),
        List.of(new Evaluator.ScoredVideo("v1", Label.REAL, 0.35, 1),
            new Evaluator.ScoredVideo("v2", Label.FAKE, 0.45, 1)));
  }

  @Test
  void eachFaceIsTheMeanOfItsModelsWeightedAsTheManifestSays(@TempDir Path dir)
      throws Exception {
    Report report = Report.of("e.1", "test", "confident", scores(), 0.5, Metrics.DEFAULT_CLIP);

    // The real face: (3 * 0.2 + 0.8) / 4 = 0.35; the fake one: (3 * 0.6 + 0) / 4 = 0.45, both
    // called real at 0.5. Unweighted they would be 0.5 and 0.3, in the wrong order.
    assertThat(report.faces().metrics().logLoss())
        .isCloseTo(-(Math.log(1 - 0.35) + Math.log(0.45)) / 2, within(1e-12));
    assertThat(report.faces().metrics().auc()).isEqualTo(1.0);
    assertThat(report.faces().metrics().trueNegatives()).isOne();
    assertThat(report.faces().metrics().falseNegatives()).isOne();

    report.write(dir, scores());
    assertThat(Files.readAllLines(dir.resolve("faces.csv"))).containsExactly(
        "video,label,track,a,b,mean",
        "v1,REAL,,0.200000,0.800000,0.350000",
        "v2,FAKE,,0.600000,0.000000,0.450000");
    JsonNode json = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
    assertThat(json.at("/models/0/name").asText()).isEqualTo("a");
    assertThat(json.at("/models/0/weight").asDouble()).isEqualTo(3.0);
    assertThat(json.at("/models/1/weight").asDouble()).isEqualTo(1.0);
    assertThat(report.markdown()).contains("Models: a (weight 3.0), b (weight 1.0).");
  }

  @Test
  void videoNamesWithACommaAQuoteAndAnAccentComeBackWholeFromTheCsvFiles(@TempDir Path dir)
      throws Exception {
    String awkward = "part0/group, \"Zoë\".mp4";
    Evaluator.Scores scores = new Evaluator.Scores(THREE_TO_ONE, List.of(
        new Evaluator.ScoredFace(awkward, Label.REAL, new Face(7, new double[] {0.2, 0.8})),
        new Evaluator.ScoredFace("v2", Label.FAKE, new Face(null, new double[] {0.6, 0.0}))),
        List.of(new Evaluator.ScoredVideo(awkward, Label.REAL, 0.35, 1),
            new Evaluator.ScoredVideo("v2", Label.FAKE, 0.45, 1)));

    Report.of("e.1", "test", "confident", scores, 0.5, Metrics.DEFAULT_CLIP).write(dir, scores);

    assertThat(CsvTable.read(dir.resolve("faces.csv"))).extracting(CsvTable.Row::cells)
        .containsExactly(List.of("video", "label", "track", "a", "b", "mean"),
            List.of(awkward, "REAL", "7", "0.200000", "0.800000", "0.350000"),
            List.of("v2", "FAKE", "", "0.600000", "0.000000", "0.450000"));
    assertThat(CsvTable.read(dir.resolve("videos.csv"))).extracting(CsvTable.Row::cells)
        .containsExactly(List.of("video", "label", "faces", "probability"),
            List.of(awkward, "REAL", "1", "0.350000"), List.of("v2", "FAKE", "1", "0.450000"));
    assertThat(Files.readAllLines(dir.resolve("videos.csv"))).element(1)
        .isEqualTo("\"part0/group, \"\"Zoë\"\".mp4\",REAL,1,0.350000");
  }
}
