package dev.deepscreen.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deepscreen.core.inference.Ensemble;
import dev.deepscreen.core.inference.TinyModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole command line on a tiny synthetic data set, as a user runs it. */
class TrainerCliTest {

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    out.reset();
    err.reset();
    return TrainerCli.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
  }

  @Test
  void synthPreprocessTrainExportEvaluate() throws Exception {
    String synth = dir.resolve("synth").toString();
    String cache = dir.resolve("cache").toString();
    String runFolder = dir.resolve("small-fold0").toString();
    String ensemble = dir.resolve("ensemble").toString();

    assertThat(run("synth", "--out", synth, "--photos", "sample1.jpg,sample3.jpg",
        "--test-photos", "sample3.jpg", "--clips-per-face", "1", "--frames", "3", "--size",
        "160")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("synth: 18 clips (6 real, 6 self-blended, 6 swapped;"
        + " 9 in the test split)");

    assertThat(run("preprocess", "--dataset", synth, "--cache", cache, "--frames", "2",
        "--crop-size", "64")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("preprocess: DFDC data set, 18 videos (12 fake)")
        .contains("preprocess: ").contains("from 18 videos (0 without a face, 0 unreadable)");

    assertThat(run("train", "--cache", cache, "--run", runFolder, "--input-size", "32",
        "--batch-size", "4", "--epochs", "1", "--folds", "2", "--threads", "2"))
        .as(err.toString()).isZero();
    assertThat(out.toString()).contains("epoch 1/1: train loss").contains("train: 1 epochs");

    assertThat(run("export", "--run", runFolder, "--out", ensemble, "--version", "t.1"))
        .as(err.toString()).isZero();
    assertThat(out.toString()).contains("export: ensemble t.1 with [small-fold0]");
    try (Ensemble loaded = Ensemble.load(Path.of(ensemble))) {
      assertThat(loaded.members()).hasSize(1);
    }

    // A student distilled from the exported ensemble as its teacher.
    String student = dir.resolve("student").toString();
    assertThat(run("train", "--cache", cache, "--run", student, "--input-size", "32",
        "--batch-size", "4", "--epochs", "1", "--folds", "2", "--threads", "2", "--teacher",
        ensemble, "--distill-alpha", "0.7", "--distill-temperature", "3"))
        .as(err.toString()).isZero();
    assertThat(out.toString()).contains("train: distilling from " + ensemble
        + " at t.1 (small-fold0), alpha 0.70, temperature 3.0").contains("epoch 1/1: train loss");
    JsonNode settings = new ObjectMapper().readTree(dir.resolve("student/run.json").toFile());
    assertThat(settings.at("/distillation/alpha").asDouble()).isCloseTo(0.7, within(1e-6));
    assertThat(settings.at("/distillation/temperature").asDouble()).isEqualTo(3.0);
    assertThat(run("train", "--cache", cache, "--run", dir.resolve("s2").toString(),
        "--teacher", ensemble, "--distill-alpha", "0")).isEqualTo(1);
    assertThat(err.toString()).contains("alpha in (0, 1]");

    assertThat(run("evaluate", "--ensemble", ensemble, "--cache", cache, "--out",
        dir.resolve("report").toString())).as(err.toString()).isZero();
    assertThat(out.toString()).contains("evaluate: split test, faces: log loss");
    JsonNode report = new ObjectMapper().readTree(dir.resolve("report/report.json").toFile());
    assertThat(report.get("ensemble").asText()).isEqualTo("t.1");
    assertThat(report.get("strategy").asText()).isEqualTo("confident");
    assertThat(report.at("/videos/metrics/count").asInt()).isEqualTo(9);
    assertThat(report.at("/videos/metrics/positives").asInt()).isEqualTo(6);
    assertThat(report.at("/faces/metrics/auc").asDouble()).isBetween(0.0, 1.0);
    assertThat(dir.resolve("report/report.md")).content().contains("| log loss |");
    assertThat(dir.resolve("report/roc.png")).isRegularFile();
    assertThat(dir.resolve("report/videos.csv")).content()
        .contains("sample3-face0-clip0-swap.mp4,FAKE,");

    // The exported SavedModel and an ONNX model (two-class logits, NCHW) in one ensemble.
    ObjectNode manifest = (ObjectNode) new ObjectMapper().readTree(
        Path.of(ensemble, "ensemble.json").toFile());
    ((ArrayNode) manifest.get("models")).add(new ObjectMapper().readTree(
        TinyModels.twoClassOnnx(Path.of(ensemble), "resnet", 1.0)));
    new ObjectMapper().writeValue(Path.of(ensemble, "ensemble.json").toFile(), manifest);
    assertThat(run("evaluate", "--ensemble", ensemble, "--cache", cache, "--out",
        dir.resolve("mixed").toString())).as(err.toString()).isZero();
    JsonNode mixed = new ObjectMapper().readTree(dir.resolve("mixed/report.json").toFile());
    assertThat(mixed.get("models")).extracting(m -> m.get("name").asText())
        .containsExactly("small-fold0", "resnet");
    assertThat(mixed.at("/videos/metrics/count").asInt()).isEqualTo(9);
  }

  @Test
  void usageErrorsExitWith2AndFailuresWith1SayingWhy() {
    assertThat(run("train", "--cache", "x")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--run=<run>'");

    assertThat(run("preprocess", "--dataset", dir.toString(), "--cache",
        dir.resolve("c").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("preprocess: " + dir + " is neither a .csv file");

    assertThat(run("train", "--cache", dir.toString(), "--run", dir.resolve("r").toString()))
        .isEqualTo(1);
    assertThat(err.toString()).contains("is not a crop cache (no preprocess.json); run"
        + " preprocess first");

    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("synth", "preprocess", "train", "evaluate", "export");
  }
}
