package dev.deepscreen.trainer.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One video of a data set.
 *
 * @param id unique within the data set: its path relative to the data set's root
 * @param path where the file is
 * @param label real or fake
 * @param sources ids of the videos a fake was made from (its original, and for a face swap
 *     also the face donor where the layout names it); empty for a real video. Folds keep a
 *     video and its sources together.
 * @param split the split the data set assigns ({@code train}, {@code val}, {@code test}), or
 *     null when it assigns none
 */
public record LabelledVideo(String id, Path path, Label label, List<String> sources,
    String split) {

  public LabelledVideo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(label, "label");
    sources = List.copyOf(sources);
  }
}
