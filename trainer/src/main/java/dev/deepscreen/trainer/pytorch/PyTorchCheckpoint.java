package dev.deepscreen.trainer.pytorch;

import static dev.deepscreen.trainer.pytorch.PickleValues.describe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A checkpoint written by {@code torch.save}, read without Python or PyTorch: its state dict of
 * tensors and the plain values saved next to it (epoch, metrics, notes).
 *
 * <p>Checkpoints are untrusted input. The pickle inside is interpreted, never executed: only the
 * globals a state dict needs are accepted (OrderedDict, torch's tensor and parameter rebuilders
 * and storage classes, {@code _codecs.encode} for bytes, and numpy scalars, dtypes and arrays,
 * {@code torch.device}, {@code torch.Size}, {@code argparse.Namespace} and sets, kept as {@link
 * PythonObject}s). Anything else, including whole {@code torch.nn} modules, fails with a {@link
 * CheckpointException} that names it; sizes are bounded by {@link CheckpointLimits}.
 *
 * <p>Storage locations such as {@code cuda:0} are ignored: everything is read into memory, one
 * array per storage.
 */
public final class PyTorchCheckpoint {

  /** How the checkpoint was saved. */
  public enum Format {
    /**
     * Pickles and raw storages in sequence: torch before 1.6, or saved with {@code
     * _use_new_zipfile_serialization=False}.
     */
    LEGACY,
    /** A zip archive of data.pkl and one entry per storage: torch 1.6 and later. */
    ZIP
  }

  private static final String STATE_DICT = "state_dict";
  private static final String DATA_PARALLEL_PREFIX = "module.";

  private final Format format;
  private final Map<String, TorchTensor> stateDict;
  private final Map<String, Object> otherEntries;

  private PyTorchCheckpoint(Format format, Map<String, TorchTensor> stateDict,
      Map<String, Object> otherEntries) {
    this.format = format;
    this.stateDict = Collections.unmodifiableMap(stateDict);
    this.otherEntries = Collections.unmodifiableMap(otherEntries);
  }

  /** Reads a checkpoint with {@link CheckpointLimits#defaults() the default limits}. */
  public static PyTorchCheckpoint read(Path file) throws IOException {
    return read(file, CheckpointLimits.defaults());
  }

  /**
   * Reads a checkpoint.
   *
   * @throws CheckpointException if the file is not a PyTorch checkpoint, is damaged, holds
   *     anything but plain values and tensors, or goes past a limit; the message starts with the
   *     file
   * @throws IOException if the file cannot be read
   */
  public static PyTorchCheckpoint read(Path file, CheckpointLimits limits) throws IOException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(limits, "limits");
    try {
      Format format = detect(file);
      Object top = format == Format.ZIP
          ? ZipFormat.read(file, limits)
          : LegacyFormat.read(file, limits);
      return of(format, top, limits);
    } catch (CheckpointException e) {
      throw new CheckpointException(file + ": " + printable(e.getMessage()), e);
    }
  }

  public Format format() {
    return format;
  }

  /**
   * The state dict's tensors in file order: {@code checkpoint["state_dict"]} when the file holds
   * a dict with that entry, else the file's top-level dict. When every key starts with {@code
   * module.} (a model saved inside {@code DataParallel}), the prefix is removed. Entries that are
   * not tensors are left out.
   */
  public Map<String, TorchTensor> stateDict() {
    return stateDict;
  }

  /**
   * The top-level entries besides the state dict, in file order, as plain values: null, Boolean,
   * Long, BigInteger, Double, String, byte[], List (for lists and tuples), Map, {@link
   * TorchTensor}, or {@link PythonObject} for anything else allowed. A numpy scalar such as
   * {@code numpy.float64(0.25)} stays a {@code PythonObject} holding its dtype and raw bytes (see
   * there); nothing here guesses what a metric means. Empty for a bare state dict; for a
   * top-level dict without a "state_dict" entry, its entries that are not tensors.
   */
  public Map<String, Object> otherEntries() {
    return otherEntries;
  }

  private static Format detect(Path file) throws IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(512);
    }
    if (head.length == 0) {
      throw new CheckpointException("is empty");
    }
    if (head.length >= 4 && head[0] == 'P' && head[1] == 'K'
        && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6))) {
      return Format.ZIP;
    }
    if ((head[0] & 0xff) == 0x80) {
      return Format.LEGACY;
    }
    if (head.length >= 262
        && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
      throw new CheckpointException("is a tar archive, the checkpoint format of torch before"
          + " 0.4, which this reader does not support");
    }
    int shown = Math.min(head.length, 8);
    throw new CheckpointException("is neither a zip archive nor a pickle (it starts with 0x"
        + HexFormat.of().formatHex(head, 0, shown) + "): not a PyTorch checkpoint");
  }

  private static PyTorchCheckpoint of(Format format, Object top, CheckpointLimits limits)
      throws CheckpointException {
    if (!(top instanceof Map<?, ?> entries)) {
      throw new CheckpointException(
          "holds " + describe(top) + ", not a dict of tensors");
    }
    PlainValues values = new PlainValues(limits);
    Map<String, TorchTensor> tensors = new LinkedHashMap<>();
    Map<String, Object> others = new LinkedHashMap<>();
    if (entries.containsKey(STATE_DICT)) {
      if (!(entries.get(STATE_DICT) instanceof Map<?, ?> stateDict)) {
        throw new CheckpointException("has a 'state_dict' entry that is "
            + describe(entries.get(STATE_DICT)) + ", not a dict");
      }
      for (Map.Entry<?, ?> entry : stateDict.entrySet()) {
        if (entry.getValue() instanceof TorchTensor) {
          String key = key(entry.getKey(), "state dict key");
          tensors.put(key, (TorchTensor) values.convert(entry.getValue(), key));
        }
      }
      for (Map.Entry<?, ?> entry : entries.entrySet()) {
        String key = key(entry.getKey(), "top-level key");
        if (!key.equals(STATE_DICT)) {
          others.put(key, values.convert(entry.getValue(), key));
        }
      }
    } else {
      for (Map.Entry<?, ?> entry : entries.entrySet()) {
        String key = key(entry.getKey(), "top-level key");
        Object value = values.convert(entry.getValue(), key);
        if (value instanceof TorchTensor tensor) {
          tensors.put(key, tensor);
        } else {
          others.put(key, value);
        }
      }
    }
    return new PyTorchCheckpoint(format, withoutDataParallelPrefix(tensors), others);
  }

  private static String key(Object key, String what) throws CheckpointException {
    if (key instanceof String text) {
      return text;
    }
    throw new CheckpointException("has the " + what + " " + describe(key)
        + ", not a str");
  }

  private static Map<String, TorchTensor> withoutDataParallelPrefix(
      Map<String, TorchTensor> tensors) {
    if (tensors.isEmpty()
        || !tensors.keySet().stream().allMatch(k -> k.startsWith(DATA_PARALLEL_PREFIX))) {
      return tensors;
    }
    Map<String, TorchTensor> stripped = new LinkedHashMap<>();
    tensors.forEach((k, v) -> stripped.put(k.substring(DATA_PARALLEL_PREFIX.length()), v));
    return stripped;
  }

  /** Names taken from a damaged file can hold line breaks and control characters. */
  private static String printable(String message) {
    StringBuilder out = new StringBuilder(message.length());
    message.codePoints().forEach(c -> {
      if (Character.isISOControl(c)) {
        out.append(String.format("\\x%02x", c));
      } else {
        out.appendCodePoint(c);
      }
    });
    return out.toString();
  }
}
