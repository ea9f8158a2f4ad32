package dev.deepscreen.trainer.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.deepscreen.core.inference.EnsembleManifest;
import dev.deepscreen.core.inference.FacePreprocessor;
import dev.deepscreen.trainer.FileTrees;
import dev.deepscreen.trainer.model.Architecture;
import dev.deepscreen.trainer.train.Checkpoints;
import dev.deepscreen.trainer.train.TrainingSettings;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes an ensemble folder the scoring stage loads as it is: one serving SavedModel per
 * model and the {@code ensemble.json} manifest ({@link EnsembleManifest}) naming them, with the
 * ImageNet normalisation {@link FacePreprocessor} applies on both sides.
 *
 * <p>The folder appears whole or not at all: everything is written into a hidden sibling
 * folder, checked by reading the manifest back with the scorer's own reader, and then moved
 * into place; a failure part-way removes the sibling.
 */
public final class EnsembleWriter {

  /** Where a model's trained parameters come from; read only when the model is exported. */
  @FunctionalInterface
  public interface ParameterSource {
    Map<String, float[]> read() throws IOException;
  }

  /**
   * One model to export.
   *
   * @param name its name in the ensemble (and its folder)
   * @param architecture its network
   * @param inputSize the side of its square input
   * @param parameters its parameter values by name
   * @param weight its weight in the ensemble mean
   * @param source the file it was imported from, or null for a model trained here
   */
  public record Member(String name, Architecture architecture, int inputSize,
      ParameterSource parameters, double weight, EnsembleManifest.Source source) {

    /** A model trained here, taken from a checkpoint folder of a run with {@code settings}. */
    public static Member trained(String name, TrainingSettings settings, Path checkpoint,
        double weight) {
      return new Member(name, settings.architecture(), settings.inputSize(),
          () -> Checkpoints.parameters(settings, checkpoint), weight, null);
    }
  }

  private EnsembleWriter() {}

  /**
   * Exports {@code members} into {@code folder}, which must not exist or be empty, and returns
   * the manifest as the scorer reads it.
   */
  public static EnsembleManifest write(Path folder, String version, List<Member> members)
      throws IOException {
    if (members.isEmpty()) {
      throw new IllegalArgumentException("An ensemble needs at least one model");
    }
    if (members.stream().map(Member::name).distinct().count() != members.size()) {
      throw new IllegalArgumentException("Model names must be unique: "
          + members.stream().map(Member::name).toList());
    }
    if (Files.exists(folder)) {
      try (Stream<Path> entries = Files.list(folder)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalArgumentException("The ensemble folder " + folder + " is not empty");
        }
      }
    }
    Path absolute = folder.toAbsolutePath().normalize();
    Files.createDirectories(absolute.getParent());
    Path staging = Files.createTempDirectory(absolute.getParent(),
        "." + absolute.getFileName() + ".");
    try {
      List<EnsembleManifest.Model> models = new ArrayList<>();
      for (Member member : members) {
        ModelExporter.export(member.architecture(), member.inputSize(),
            member.parameters().read(), staging.resolve(member.name()));
        models.add(EnsembleManifest.Model.savedModel(member.name(), member.name(),
            member.inputSize(), FacePreprocessor.IMAGENET_MEAN.clone(),
            FacePreprocessor.IMAGENET_STD.clone(), ModelExporter.SERVING_SIGNATURE,
            ModelExporter.INPUT, ModelExporter.LOGIT, member.weight(), member.source()));
      }
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(staging.resolve(EnsembleManifest.FILE_NAME).toFile(),
              new EnsembleManifest(version, models));
      EnsembleManifest.read(staging);
      Files.deleteIfExists(absolute);
      try {
        Files.move(staging, absolute, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(staging, absolute);
      }
    } finally {
      FileTrees.delete(staging);
    }
    return EnsembleManifest.read(absolute);
  }
}
