package dev.deepscreen.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deepscreen.trainer.data.CropCache;
import dev.deepscreen.trainer.data.TinyCropCache;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {

  static final TrainingSettings SETTINGS = new TrainingSettings("small", 32, 4, 3,
      Optimizer.SGD, 0.02f, 0.9f, 1e-4f, 0.01f, 0.9f, 0.9f, 0, false, false, false, 2, 0, 7, null);
  static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  @TempDir
  static Path shared;
  static CropCache cache;

  @BeforeAll
  static void cache() throws Exception {
    cache = TinyCropCache.create(shared);
  }

  @Test
  void trainsOnTheTrainingSplitWritesALogAndACheckpointPerEpoch(@TempDir Path run)
      throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Trainer.Outcome outcome = new Trainer(SETTINGS, 2, null, new PrintStream(log), false)
        .train(cache, run);

    assertThat(outcome.state().epoch()).isEqualTo(3);
    assertThat(outcome.state().stopped()).isTrue();
    List<String> csv = Files.readAllLines(run.resolve("log.csv"));
    assertThat(csv).hasSize(4);
    assertThat(csv.get(0)).isEqualTo("epoch,steps,learning_rate,train_loss,validation_loss,"
        + "validation_auc,validation_accuracy,seconds");
    assertThat(run.resolve("loss.png")).isRegularFile();
    assertThat(run.resolve("checkpoints/best/state.json")).isRegularFile();
    assertThat(run.resolve("checkpoints/epoch-0003/model.index")).isRegularFile();
    assertThat(run.resolve("checkpoints/epoch-0001")).doesNotExist(); // the last two are kept
    // 3 faces x 3 clips of sample1 train or validate; sample3's clips are the test split.
    String output = log.toString();
    assertThat(output).containsPattern("train: small at 32 px, \\d+ faces of \\d+ videos,"
        + " validation \\d+ faces of \\d+ videos");
    assertThat(output).contains("epoch 3/3 [========================]");
    assertThat(outcome.state().history()).allSatisfy(r -> {
      assertThat(r.validationLoss()).isFinite();
      assertThat(r.trainLoss()).isFinite();
    });

    // A finished run is not trained again; other settings are refused.
    assertThat(new Trainer(SETTINGS, 2, null, QUIET, false).train(cache, run).state())
        .isEqualTo(outcome.state());
    TrainingSettings other = new TrainingSettings("small", 32, 4, 3, Optimizer.ADAM, 0.02f,
        0.9f, 1e-4f, 0.01f, 0.9f, 0.9f, 0, false, false, false, 2, 0, 7, null);
    assertThatThrownBy(() -> new Trainer(other, 2, null, QUIET, false).train(cache, run))
        .hasMessageContaining("resume it with the same settings or use another folder");
  }

  @Test
  void selfBlendingAddsAFakeTwinOfEveryRealTrainingFaceMadeAfreshEachEpoch() throws Exception {
    TrainingSettings blending = new TrainingSettings("small", 32, 4, 3, Optimizer.SGD, 0.02f,
        0.9f, 1e-4f, 0.01f, 0.9f, 0.9f, 0, false, true, false, 2, 0, 7, null);
    TrainingData plain = TrainingData.of(cache, cache.entries(), SETTINGS);
    TrainingData data = TrainingData.of(cache, cache.entries(), blending);

    long reals = plain.train().stream().filter(s -> s.target() == 0).count();
    assertThat(reals).isPositive();
    assertThat(data.train()).hasSize(plain.train().size() + (int) reals);
    assertThat(data.validation()).isEqualTo(plain.validation());
    List<FaceBatches.Sample> twins = data.train().stream()
        .filter(FaceBatches.Sample::selfBlend).toList();
    assertThat(twins).hasSize((int) reals).allSatisfy(t -> assertThat(t.target()).isEqualTo(1f));

    FaceBatches batches = new FaceBatches(64, null);
    FaceBatches.Sample twin = twins.get(0);
    FaceBatches.Sample original = data.train().stream()
        .filter(s -> !s.selfBlend() && s.file().equals(twin.file())).findFirst().orElseThrow();
    float[] real = pixels(batches, original, 1);
    float[] fake = pixels(batches, twin, 1);
    assertThat(pixels(batches, twin, 1)).containsExactly(fake);
    assertThat(fake).isNotEqualTo(real);
    assertThat(pixels(batches, twin, 2)).isNotEqualTo(fake); // another epoch, another blend
  }

  @Test
  void balancingTakesAsManyFakesAsRealsDrawnAfreshEachEpoch() throws Exception {
    TrainingSettings balanced = new TrainingSettings("small", 32, 4, 3, Optimizer.SGD, 0.02f,
        0.9f, 1e-4f, 0.01f, 0.9f, 0.9f, 0, false, false, true, 2, 0, 7, null);
    Trainer trainer = new Trainer(balanced, 2, null, QUIET, false);
    List<FaceBatches.Sample> train = TrainingData.of(cache, cache.entries(), balanced).train();
    long reals = train.stream().filter(s -> s.target() == 0).count();
    assertThat(train.size()).isGreaterThan((int) (2 * reals)); // twice as many fakes here

    List<FaceBatches.Sample> first = trainer.epochOrder(train, 1);
    assertThat(first).hasSize((int) (2 * reals));
    assertThat(first.stream().filter(s -> s.target() == 0).count()).isEqualTo(reals);
    assertThat(trainer.epochOrder(train, 1)).isEqualTo(first);
    assertThat(new java.util.HashSet<>(trainer.epochOrder(train, 2)))
        .isNotEqualTo(new java.util.HashSet<>(first));
  }

  @Test
  void distillingPullsTheStudentTowardsTheTeacherInsteadOfTheLabels(@TempDir Path dir)
      throws Exception {
    // A teacher calling every face real with probability sigmoid(-3) = 0.047, whatever the
    // labels say (two thirds of the training faces are fakes).
    Path teacher = dir.resolve("teacher");
    dev.deepscreen.core.inference.TinyModels.export(teacher.resolve("m"), 32, 0f, -3f);
    dev.deepscreen.core.inference.TinyModels.writeManifest(teacher, "t.1",
        dev.deepscreen.core.inference.TinyModels.manifestEntry("m", "m", 32, 1.0));
    // Livelier than SETTINGS, so that a few steps show where each run is heading.
    TrainingSettings fromLabels = new TrainingSettings("small", 32, 4, 6, Optimizer.SGD, 0.1f,
        0.9f, 1e-4f, 0.01f, 0.5f, 0.9f, 0, false, false, false, 2, 0, 7, null);
    TrainingSettings distilled = fromLabels.withDistillation(
        new Distillation(teacher.toString(), 1f, 1f));

    ByteArrayOutputStream log = new ByteArrayOutputStream();
    new Trainer(distilled, 2, null, new PrintStream(log), false).train(cache,
        dir.resolve("distilled"));
    new Trainer(fromLabels, 2, null, QUIET, false).train(cache, dir.resolve("labels"));

    assertThat(log.toString()).contains("train: distilling from " + teacher + " at t.1 (m),"
        + " alpha 1.00, temperature 1.0");
    assertThat(new ObjectMapper().readTree(dir.resolve("distilled/run.json").toFile())
        .at("/distillation/teacher").asText()).isEqualTo(teacher.toString());
    List<FaceBatches.Sample> faces = TrainingData.of(cache, cache.entries(), SETTINGS).train();
    double withTeacher = meanProbability(distilled, dir.resolve("distilled"), faces);
    double withLabels = meanProbability(fromLabels, dir.resolve("labels"), faces);
    assertThat(withTeacher).as("distilled %.3f, from labels %.3f", withTeacher, withLabels)
        .isLessThan(withLabels - 0.2);
  }

  private static double meanProbability(TrainingSettings settings, Path run,
      List<FaceBatches.Sample> faces) {
    try (TrainingGraph graph = new TrainingGraph(settings, 2)) {
      graph.restore(Checkpoints.prefix(run.resolve(String.format("checkpoints/epoch-%04d",
          settings.epochs()))));
      return java.util.Arrays.stream(Trainer.predict(graph, new FaceBatches(32, null), faces, 4))
          .average().orElseThrow();
    }
  }

  private static float[] pixels(FaceBatches batches, FaceBatches.Sample sample, int epoch) {
    try (org.tensorflow.types.TFloat32 images = batches.images(List.of(sample), 7, epoch, 0)) {
      float[] values = new float[(int) images.size()];
      images.asRawTensor().data().asFloats().read(values);
      return values;
    }
  }

  @Test
  void aRunResumedAfterAnInterruptionEndsExactlyAsAnUninterruptedOne(@TempDir Path run)
      throws Exception {
    new Trainer(SETTINGS, 2, null, QUIET, false).train(cache, run);
    Map<String, float[]> uninterrupted = Checkpoints.parameters(SETTINGS,
        run.resolve("checkpoints/epoch-0003"));
    List<String> log = Files.readAllLines(run.resolve("log.csv"));

    // As if the process died while saving epoch 3: its state file was never written.
    Files.delete(run.resolve("checkpoints/epoch-0003/state.json"));
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    new Trainer(SETTINGS, 2, null, new PrintStream(output), false).train(cache, run);

    assertThat(output.toString()).contains("resuming").contains("after epoch 2");
    Map<String, float[]> resumed = Checkpoints.parameters(SETTINGS,
        run.resolve("checkpoints/epoch-0003"));
    assertThat(resumed.keySet()).isEqualTo(uninterrupted.keySet());
    uninterrupted.forEach((name, values) -> assertThat(resumed.get(name)).as(name)
        .containsExactly(values));
    List<String> resumedLog = Files.readAllLines(run.resolve("log.csv"));
    for (int i = 0; i < log.size(); i++) {
      // Every column but the epoch's duration.
      assertThat(resumedLog.get(i).replaceAll(",[^,]*$", ""))
          .isEqualTo(log.get(i).replaceAll(",[^,]*$", ""));
    }
    assertThat(new ObjectMapper().readTree(run.resolve("checkpoints/epoch-0003/state.json")
        .toFile()).get("epoch").asInt()).isEqualTo(3);
    try (Stream<Path> files = Files.walk(run)) {
      assertThat(files.map(Path::toString).sorted(Comparator.naturalOrder()))
          .noneMatch(p -> p.endsWith(".tmp"));
    }
  }
}
