package dev.deepscreen.trainer.data;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deepscreen.trainer.CsvTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The labelled video data set layouts the trainer reads.
 *
 * <ul>
 *   <li>{@link #DFDC}: folders of videos, each with a {@code metadata.json} mapping a file name
 *       to its {@code label} (REAL or FAKE), optional {@code split} and, for a fake, its
 *       {@code original} in the same folder (the DeepFake Detection Challenge's layout; the
 *       synthetic data set uses it too).
 *   <li>{@link #FACEFORENSICS}: FaceForensics++ as its download script lays it out:
 *       {@code original_sequences/youtube/<c>/videos/XXX.mp4} and
 *       {@code manipulated_sequences/<method>/<c>/videos/XXX_YYY.mp4} for the methods Deepfakes,
 *       Face2Face, FaceSwap, NeuralTextures and FaceShifter, where {@code XXX} is the target
 *       video and {@code YYY} the source, and {@code <c>} the compression (c0, c23, c40). The
 *       official splits are read from {@code splits/train.json}, {@code val.json} and
 *       {@code test.json} (lists of id pairs) when present.
 *   <li>{@link #CSV}: a CSV file with a header naming the columns {@code path} and
 *       {@code label}, optionally {@code original} (the path of a fake's source) and
 *       {@code split}; paths are relative to the CSV file's folder, and a cell holding a comma,
 *       a quote or a line break is quoted as RFC 4180 says.
 * </ul>
 */
public enum DatasetLayout {
  DFDC,
  FACEFORENSICS,
  CSV;

  /** FaceForensics++'s manipulation methods, as its folders name them. */
  public static final List<String> FACEFORENSICS_METHODS = List.of("Deepfakes", "Face2Face",
      "FaceSwap", "NeuralTextures", "FaceShifter");

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The layout of {@code root}: CSV for a {@code .csv} file, FACEFORENSICS for a folder with
   * {@code original_sequences}, DFDC for a folder with a {@code metadata.json} in it or in a
   * direct subfolder.
   *
   * @throws DatasetFormatException when none fits
   */
  public static DatasetLayout detect(Path root) {
    if (Files.isRegularFile(root) && root.toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
      return CSV;
    }
    if (Files.isDirectory(root.resolve("original_sequences"))) {
      return FACEFORENSICS;
    }
    if (!dfdcMetadataFiles(root).isEmpty()) {
      return DFDC;
    }
    throw new DatasetFormatException(root + " is neither a .csv file, nor a FaceForensics++"
        + " folder (original_sequences/), nor a DFDC folder (metadata.json)");
  }

  /**
   * Reads the data set's videos, sorted by id.
   *
   * @param compression the FaceForensics++ compression to read (c0, c23 or c40), or null for
   *     the only one present; ignored by the other layouts
   * @throws DatasetFormatException naming the file and the problem
   */
  public List<LabelledVideo> read(Path root, String compression) {
    List<LabelledVideo> videos = switch (this) {
      case DFDC -> readDfdc(root);
      case FACEFORENSICS -> readFaceForensics(root, compression);
      case CSV -> readCsv(root);
    };
    if (videos.isEmpty()) {
      throw new DatasetFormatException("No videos in " + root);
    }
    List<LabelledVideo> sorted = new ArrayList<>(videos);
    sorted.sort(Comparator.comparing(LabelledVideo::id));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).id().equals(sorted.get(i - 1).id())) {
        throw new DatasetFormatException("Video " + sorted.get(i).id() + " is listed twice in "
            + root);
      }
    }
    return sorted;
  }

  private static List<Path> dfdcMetadataFiles(Path root) {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(root, 2)) {
      return files.filter(p -> p.getFileName().toString().equals("metadata.json"))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + root, e);
    }
  }

  private static List<LabelledVideo> readDfdc(Path root) {
    List<LabelledVideo> videos = new ArrayList<>();
    for (Path metadataFile : dfdcMetadataFiles(root)) {
      Path folder = metadataFile.getParent();
      JsonNode metadata = readJson(metadataFile);
      if (!metadata.isObject()) {
        throw new DatasetFormatException(metadataFile + " must hold a JSON object of videos");
      }
      Iterator<Map.Entry<String, JsonNode>> entries = metadata.fields();
      while (entries.hasNext()) {
        Map.Entry<String, JsonNode> entry = entries.next();
        String name = entry.getKey();
        JsonNode fields = entry.getValue();
        String where = metadataFile + ", video " + name + ": ";
        JsonNode label = fields.get("label");
        if (label == null || !label.isTextual()) {
          throw new DatasetFormatException(where + "no label");
        }
        Path file = folder.resolve(name).normalize();
        if (!file.startsWith(folder) || !Files.isRegularFile(file)) {
          throw new DatasetFormatException(where + "no such file in " + folder);
        }
        Label parsed;
        try {
          parsed = Label.parse(label.asText());
        } catch (IllegalArgumentException e) {
          throw new DatasetFormatException(where + e.getMessage());
        }
        JsonNode original = fields.get("original");
        List<String> sources = original == null || original.isNull() ? List.of()
            : List.of(id(root, folder.resolve(original.asText())));
        JsonNode split = fields.get("split");
        videos.add(new LabelledVideo(id(root, file), file, parsed, sources,
            split == null || split.isNull() ? null : split.asText()));
      }
    }
    return videos;
  }

  private static List<LabelledVideo> readFaceForensics(Path root, String compression) {
    Path originals = root.resolve("original_sequences").resolve("youtube");
    String level = compression != null ? compression : onlyCompression(originals);
    Map<String, String> splits = faceForensicsSplits(root);
    List<LabelledVideo> videos = new ArrayList<>();
    for (Path file : videoFiles(originals.resolve(level).resolve("videos"))) {
      String number = stem(file);
      videos.add(new LabelledVideo(id(root, file), file, Label.REAL, List.of(),
          splits.get(number)));
    }
    for (String method : FACEFORENSICS_METHODS) {
      Path folder = root.resolve("manipulated_sequences").resolve(method).resolve(level)
          .resolve("videos");
      for (Path file : videoFiles(folder)) {
        String[] pair = stem(file).split("_");
        if (pair.length != 2) {
          throw new DatasetFormatException(file + ": a manipulated video is named"
              + " <target>_<source>.mp4");
        }
        List<String> sources = new ArrayList<>();
        for (String number : pair) {
          sources.add(id(root, originals.resolve(level).resolve("videos")
              .resolve(number + ".mp4")));
        }
        String split = splits.get(pair[0]);
        videos.add(new LabelledVideo(id(root, file), file, Label.FAKE, sources,
            split != null && split.equals(splits.get(pair[1])) ? split : null));
      }
    }
    return videos;
  }

  private static String onlyCompression(Path originals) {
    List<String> levels = new ArrayList<>();
    for (String level : List.of("c0", "c23", "c40", "raw")) {
      if (Files.isDirectory(originals.resolve(level))) {
        levels.add(level);
      }
    }
    if (levels.size() != 1) {
      throw new DatasetFormatException(originals + " holds the compressions " + levels
          + "; name the one to read");
    }
    return levels.get(0);
  }

  /** Video number to split, from FaceForensics++'s splits/*.json lists of pairs. */
  private static Map<String, String> faceForensicsSplits(Path root) {
    Map<String, String> splits = new HashMap<>();
    for (String split : List.of("train", "val", "test")) {
      Path file = root.resolve("splits").resolve(split + ".json");
      if (!Files.isRegularFile(file)) {
        continue;
      }
      for (JsonNode pair : readJson(file)) {
        for (JsonNode number : pair) {
          splits.put(number.asText(), split);
        }
      }
    }
    return splits;
  }

  private static List<LabelledVideo> readCsv(Path file) {
    List<CsvTable.Row> rows;
    try {
      rows = CsvTable.read(file);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new DatasetFormatException(file + (at == null ? "" : " line " + at.getLineNr())
          + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new DatasetFormatException("Cannot read " + file + ": " + e.getMessage(), e);
    }
    if (rows.isEmpty()) {
      throw new DatasetFormatException(file + " is empty; the first line names the columns"
          + " path,label[,original][,split]");
    }
    List<String> header = rows.get(0).cells().stream()
        .map(c -> c.trim().toLowerCase(Locale.ROOT)).toList();
    int path = header.indexOf("path");
    int label = header.indexOf("label");
    int original = header.indexOf("original");
    int split = header.indexOf("split");
    if (path < 0 || label < 0) {
      throw new DatasetFormatException(file + ": the header must name the columns path and"
          + " label (and may name original and split), not "
          + String.join(",", rows.get(0).cells()));
    }
    Path folder = file.toAbsolutePath().getParent();
    List<LabelledVideo> videos = new ArrayList<>();
    for (CsvTable.Row row : rows.subList(1, rows.size())) {
      List<String> cells = row.cells();
      if (cells.stream().allMatch(String::isBlank)) {
        continue;
      }
      String where = file + " line " + row.line() + ": ";
      if (cells.size() != header.size()) {
        throw new DatasetFormatException(where + cells.size() + " cells, the header has "
            + header.size());
      }
      String relative = cells.get(path).trim();
      Path video = folder.resolve(relative).normalize();
      if (!Files.isRegularFile(video)) {
        throw new DatasetFormatException(where + "no such file " + video);
      }
      Label parsed;
      try {
        parsed = Label.parse(cells.get(label));
      } catch (IllegalArgumentException e) {
        throw new DatasetFormatException(where + e.getMessage());
      }
      String source = original < 0 ? "" : cells.get(original).trim();
      String splitName = split < 0 ? "" : cells.get(split).trim();
      videos.add(new LabelledVideo(relative, video, parsed,
          source.isEmpty() ? List.of() : List.of(source), splitName.isEmpty() ? null : splitName));
    }
    return videos;
  }

  private static List<Path> videoFiles(Path folder) {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".mp4"))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + folder, e);
    }
  }

  private static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new DatasetFormatException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static String stem(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot < 0 ? name : name.substring(0, dot);
  }

  /** The path of {@code file} relative to {@code root}, with forward slashes. */
  private static String id(Path root, Path file) {
    Path base = Files.isRegularFile(root) ? root.getParent() : root;
    return base.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize())
        .toString().replace('\\', '/');
  }
}
