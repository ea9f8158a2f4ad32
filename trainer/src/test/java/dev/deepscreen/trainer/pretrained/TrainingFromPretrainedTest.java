package dev.deepscreen.trainer.pretrained;

import static dev.deepscreen.trainer.pretrained.PyTorchImportTest.QUIET;
import static dev.deepscreen.trainer.pretrained.PyTorchImportTest.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deepscreen.trainer.cli.TrainerCliRunner;
import dev.deepscreen.trainer.data.CropCache;
import dev.deepscreen.trainer.data.TinyCropCache;
import dev.deepscreen.trainer.model.Architecture;
import dev.deepscreen.trainer.train.Checkpoints;
import dev.deepscreen.trainer.train.Optimizer;
import dev.deepscreen.trainer.train.Trainer;
import dev.deepscreen.trainer.train.TrainingSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training that starts from the reference's classifier (the B0 fixture) with the early blocks
 * frozen, as transfer learning does, and resumes exactly.
 */
class TrainingFromPretrainedTest {

  @TempDir
  static Path shared;
  static CropCache cache;
  static Path checkpoint;
  static TrainingSettings settings;
  static Map<String, float[]> imported;

  @BeforeAll
  static void prepare() throws Exception {
    cache = TinyCropCache.create(shared);
    checkpoint = fixture("deepfake-b0-legacy.pth");
    settings = new TrainingSettings("efficientnet-b0", 32, 4, 2, Optimizer.SGD, 0.05f, 0.9f,
        1e-4f, 0.01f, 0.9f, 0.9f, 0, false, false, false, 2, 0, 7, null)
        .withPretrained(new TrainingSettings.Pretrained(checkpoint.toString(),
            Sha256.of(checkpoint)), "block6");
    imported = PyTorchImport.initialParameters(checkpoint, Architecture.EFFICIENTNET_B0);
  }

  @Test
  void frozenBlocksKeepTheirPretrainedValuesTheRestTrainsAndAResumeIsExact(@TempDir Path run)
      throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    new Trainer(settings, 2, null, new PrintStream(log), false)
        .startingFrom(() -> PyTorchImport.initialParameters(checkpoint,
            Architecture.EFFICIENTNET_B0))
        .train(cache, run);
    assertThat(log.toString()).contains("train: starting from " + imported.size()
        + " pretrained parameters of " + checkpoint);
    Map<String, float[]> trained = Checkpoints.parameters(settings,
        run.resolve("checkpoints/epoch-0002"));

    for (String frozen : List.of("stem_conv/kernel", "stem_bn/moving_mean",
        "block3b_expand_conv/kernel", "block6d_project_bn/moving_variance",
        "block6d_se_expand/bias")) {
      assertThat(trained.get(frozen)).as(frozen).isEqualTo(imported.get(frozen));
    }
    for (String trains : List.of("block7a_project_conv/kernel", "top_conv/kernel",
        "top_bn/moving_mean", "logit/kernel")) {
      assertThat(trained.get(trains)).as(trains).isNotEqualTo(imported.get(trains));
    }

    // As if the process died while saving epoch 2: the resumed run restores epoch 1 and never
    // reads the pretrained file again.
    Files.delete(run.resolve("checkpoints/epoch-0002/state.json"));
    new Trainer(settings, 2, null, QUIET, false)
        .startingFrom(() -> {
          throw new IOException("a resumed run must not start from the pretrained file");
        })
        .train(cache, run);
    Map<String, float[]> resumed = Checkpoints.parameters(settings,
        run.resolve("checkpoints/epoch-0002"));
    // isEqualTo compares arrays with Arrays.equals: containsExactly would box 4 million floats.
    trained.forEach((name, values) -> assertThat(resumed.get(name)).as(name).isEqualTo(values));
  }

  @Test
  void theCommandLineRecordsTheFileAndRefusesFreezingWithoutIt(@TempDir Path dir)
      throws Exception {
    TrainerCliRunner.Result noFile = TrainerCliRunner.run("train", "--cache",
        shared.resolve("cache").toString(), "--run", dir.resolve("r").toString(), "--model",
        "efficientnet-b0", "--freeze-until", "block6");
    assertThat(noFile.exitCode()).isEqualTo(1);
    assertThat(noFile.err()).contains("--freeze-until needs --init-from");

    TrainerCliRunner.Result wrongSize = TrainerCliRunner.run("train", "--cache",
        shared.resolve("cache").toString(), "--run", dir.resolve("b1").toString(), "--model",
        "efficientnet-b1", "--input-size", "64", "--batch-size", "4", "--epochs", "1",
        "--init-from", checkpoint.toString(), "--threads", "2");
    assertThat(wrongSize.exitCode()).isEqualTo(1);
    assertThat(wrongSize.err()).contains("deepfake-b0-legacy.pth: The state dict has no"
        + " encoder.blocks.0.1.conv_dw.weight");

    assertThatThrownBy(() -> settings.withPretrained(settings.initFrom(), "block9"))
        .hasMessage("Freeze until stem, block1 .. block7 or top, not 'block9'");
    assertThat(dir.resolve("b1")).doesNotExist();

    TrainerCliRunner.Result started = TrainerCliRunner.run("train", "--cache",
        shared.resolve("cache").toString(), "--run", dir.resolve("b0").toString(), "--model",
        "efficientnet-b0", "--input-size", "32", "--batch-size", "4", "--epochs", "1",
        "--init-from", checkpoint.toString(), "--freeze-until", "top", "--threads", "2");
    assertThat(started.exitCode()).as(started.err()).isZero();
    var runJson = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(dir.resolve("b0/run.json").toFile());
    assertThat(runJson.at("/init_from/file").asText()).isEqualTo(checkpoint.toString());
    assertThat(runJson.at("/init_from/sha256").asText())
        .isEqualTo(settings.initFrom().sha256());
    assertThat(runJson.get("freeze_until").asText()).isEqualTo("top");
  }
}
