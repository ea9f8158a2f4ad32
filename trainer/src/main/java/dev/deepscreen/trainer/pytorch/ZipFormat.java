package dev.deepscreen.trainer.pytorch;

import static dev.deepscreen.trainer.pytorch.PickleValues.quote;
import static dev.deepscreen.trainer.pytorch.PickleValues.shorten;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The format of torch 1.6 and later: a zip archive holding {@code <folder>/data.pkl} and each
 * storage as {@code <folder>/data/<key>}. The folder is {@code archive} when saving to a buffer
 * but the file's stem when torch 1.13 saves to a path, so it is found from data.pkl. Entries are
 * read one at a time, never the whole file at once.
 */
final class ZipFormat {
  private static final String PICKLE = "data.pkl";

  private ZipFormat() {}

  static Object read(Path file, CheckpointLimits limits) throws IOException {
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (ZipException e) {
      throw new CheckpointException(
          "is not a readable zip archive, perhaps truncated (" + e.getMessage() + ")", e);
    }
    try (zip) {
      String folder = folder(zip);
      checkByteOrder(zip, folder);
      StorageTable storages = new StorageTable(limits);
      Object checkpoint = readPickle(zip, zip.getEntry(folder + PICKLE), limits, storages);
      for (Storage storage : storages.storages()) {
        readStorage(zip, folder + "data/" + storage.key(), storage);
      }
      return checkpoint;
    } catch (IllegalArgumentException e) {
      // ZipFile reports some malformed entries (names that are not valid UTF-8) this way.
      throw new CheckpointException("is a damaged zip archive (" + e.getMessage() + ")", e);
    }
  }

  private static String folder(ZipFile zip) throws CheckpointException {
    List<String> pickles = new ArrayList<>();
    for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
      String name = entries.nextElement().getName();
      int slash = name.indexOf('/');
      if (slash > 0 && name.equals(name.substring(0, slash + 1) + PICKLE)) {
        pickles.add(name);
      }
    }
    if (pickles.isEmpty()) {
      throw new CheckpointException(
          "is a zip archive without a <folder>/data.pkl entry: not a PyTorch checkpoint");
    }
    if (pickles.size() > 1) {
      throw new CheckpointException("is a zip archive with several data.pkl entries " + pickles
          + ": not one PyTorch checkpoint");
    }
    String folder = pickles.get(0).substring(0, pickles.get(0).length() - PICKLE.length());
    if (zip.getEntry(folder + "constants.pkl") != null) {
      throw new CheckpointException("is a TorchScript archive (torch.jit.save), not a checkpoint"
          + " of torch.save; save the model's state_dict() instead");
    }
    return folder;
  }

  /** Archives of newer torch record the storages' byte order; older ones are little-endian. */
  private static void checkByteOrder(ZipFile zip, String folder) throws IOException {
    ZipEntry entry = zip.getEntry(folder + "byteorder");
    if (entry == null) {
      return;
    }
    String order;
    try (InputStream in = zip.getInputStream(entry)) {
      order = new String(in.readNBytes(16), StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw unreadable(entry.getName(), e);
    }
    if (!order.equals("little")) {
      throw new CheckpointException("entry " + entry.getName() + " says the storages are '"
          + order + "'-endian; this reader reads little-endian storages only");
    }
  }

  private static Object readPickle(ZipFile zip, ZipEntry entry, CheckpointLimits limits,
      StorageTable storages) throws IOException {
    long size = entry.getSize();
    if (size > limits.maxPickleBytes()) {
      throw new CheckpointException("entry " + entry.getName() + " is " + size
          + " bytes, more than the limit of " + limits.maxPickleBytes()
          + " bytes per pickle (maxPickleBytes)");
    }
    InputStream stream;
    try {
      stream = zip.getInputStream(entry);
    } catch (IOException e) {
      throw unreadable(entry.getName(), e);
    }
    // ByteInput reports failed reads of the entry itself.
    try (stream) {
      ByteInput in = new ByteInput(stream, size < 0 ? Long.MAX_VALUE : size, entry.getName());
      return new Unpickler(in, limits, storages).load();
    }
  }

  private static void readStorage(ZipFile zip, String name, Storage storage) throws IOException {
    ZipEntry entry = zip.getEntry(name);
    if (entry == null) {
      throw new CheckpointException(
          "has no entry " + shorten(name) + " for storage " + quote(storage.key()));
    }
    int bytes = storage.byteCount();
    if (entry.getSize() != bytes) {
      throw new CheckpointException("entry " + shorten(name) + " holds " + entry.getSize()
          + " bytes where storage " + quote(storage.key()) + " of " + storage.elementCount() + " "
          + storage.dtype() + " needs " + bytes);
    }
    byte[] data;
    try (InputStream in = zip.getInputStream(entry)) {
      data = in.readNBytes(bytes);
    } catch (IOException e) {
      throw unreadable(name, e);
    }
    if (data.length != bytes) {
      throw new CheckpointException("truncated: entry " + shorten(name) + " ends after "
          + data.length + " of its " + bytes + " bytes");
    }
    storage.load(data);
  }

  private static CheckpointException unreadable(String entry, IOException e) {
    return new CheckpointException("entry " + shorten(entry) + " cannot be read (" + e + ")", e);
  }
}
