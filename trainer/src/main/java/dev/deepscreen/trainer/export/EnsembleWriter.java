package dev.deepscreen.trainer.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.deepscreen.streams.inference.EnsembleManifest;
import dev.deepscreen.streams.inference.FacePreprocessor;
import dev.deepscreen.trainer.train.Checkpoints;
import dev.deepscreen.trainer.train.TrainingSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes an ensemble folder the scoring stage loads as it is: one serving SavedModel per
 * trained model and the {@code ensemble.json} manifest
 * ({@link EnsembleManifest}) naming them, with the ImageNet normalisation
 * {@link FacePreprocessor} applies on both sides.
 */
public final class EnsembleWriter {

  /**
   * One model to export.
   *
   * @param name its name in the ensemble (and its folder)
   * @param settings the settings it was trained with
   * @param checkpoint the checkpoint folder to take the parameters from
   * @param weight its weight in the ensemble mean
   */
  public record Member(String name, TrainingSettings settings, Path checkpoint, double weight) {}

  private EnsembleWriter() {}

  /**
   * Exports {@code members} into {@code folder} (created; must be empty if it exists) and
   * writes the manifest last, checked by reading it back with the scorer's own reader.
   */
  public static EnsembleManifest write(Path folder, String version, List<Member> members)
      throws IOException {
    if (members.isEmpty()) {
      throw new IllegalArgumentException("An ensemble needs at least one model");
    }
    Files.createDirectories(folder);
    try (Stream<Path> entries = Files.list(folder)) {
      if (entries.findAny().isPresent()) {
        throw new IllegalArgumentException("The ensemble folder " + folder + " is not empty");
      }
    }
    List<EnsembleManifest.Model> models = new ArrayList<>();
    for (Member member : members) {
      TrainingSettings settings = member.settings();
      ModelExporter.export(settings.architecture(), settings.inputSize(),
          Checkpoints.parameters(settings, member.checkpoint()), folder.resolve(member.name()));
      models.add(new EnsembleManifest.Model(member.name(), member.name(), settings.inputSize(),
          "NHWC", FacePreprocessor.IMAGENET_MEAN.clone(), FacePreprocessor.IMAGENET_STD.clone(),
          ModelExporter.SERVING_SIGNATURE, ModelExporter.INPUT, ModelExporter.LOGIT,
          member.weight()));
    }
    EnsembleManifest manifest = new EnsembleManifest(version, models);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(folder.resolve(EnsembleManifest.FILE_NAME).toFile(), manifest);
    return EnsembleManifest.read(folder);
  }
}
