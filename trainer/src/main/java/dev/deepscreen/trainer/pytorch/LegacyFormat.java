package dev.deepscreen.trainer.pytorch;

import static dev.deepscreen.trainer.pytorch.PickleValues.describe;
import static dev.deepscreen.trainer.pytorch.PickleValues.quote;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The format of torch before 1.6 (and of {@code _use_new_zipfile_serialization=False}): pickles
 * one after another (magic number, protocol version, system information, the object, the list of
 * storage keys), then each storage as an 8-byte little-endian element count and its raw bytes.
 * Read front to back in one pass.
 */
final class LegacyFormat {
  private static final BigInteger MAGIC_NUMBER = new BigInteger("1950a86a20f9469cfc6c", 16);
  private static final long PROTOCOL_VERSION = 1001;

  private LegacyFormat() {}

  static Object read(Path file, CheckpointLimits limits) throws IOException {
    try (InputStream stream = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      ByteInput in = new ByteInput(stream, Files.size(file), String.valueOf(file.getFileName()));
      Object magic = new Unpickler(in, limits, null).load();
      if (!MAGIC_NUMBER.equals(magic instanceof Long number ? BigInteger.valueOf(number) : magic)) {
        throw new CheckpointException("starts with a pickle of " + describe(magic)
            + ", not the magic number of a legacy PyTorch checkpoint");
      }
      Object version = new Unpickler(in, limits, null).load();
      if (!Long.valueOf(PROTOCOL_VERSION).equals(version)) {
        throw new CheckpointException("has the legacy protocol version "
            + describe(version) + ", not " + PROTOCOL_VERSION);
      }
      Object systemInfo = new Unpickler(in, limits, null).load();
      if (systemInfo instanceof Map<?, ?> info && Boolean.FALSE.equals(info.get("little_endian"))) {
        throw new CheckpointException(
            "was saved on a big-endian machine; this reader reads little-endian storages only");
      }
      StorageTable storages = new StorageTable(limits);
      Object checkpoint = new Unpickler(in, limits, storages).load();
      Object keys = new Unpickler(in, limits, null).load();
      if (!(keys instanceof List<?> keyList)) {
        throw new CheckpointException(
            "lists its storage keys as " + describe(keys) + ", not a list");
      }
      for (Object key : keyList) {
        readStorage(in, storages, key);
      }
      for (Storage storage : storages.storages()) {
        if (!storage.isLoaded()) {
          throw new CheckpointException("has no data for storage " + quote(storage.key()));
        }
      }
      return checkpoint;
    }
  }

  private static void readStorage(ByteInput in, StorageTable storages, Object key)
      throws CheckpointException {
    Storage storage = key instanceof String name ? storages.get(name) : null;
    if (storage == null || storage.isLoaded()) {
      throw new CheckpointException("lists the storage key " + describe(key)
          + (storage == null ? ", which no tensor refers to" : " twice"));
    }
    long at = in.position();
    try {
      long count = in.readLongLittleEndian("the element count");
      if (count != storage.elementCount()) {
        throw new CheckpointException("holds " + count + " elements where the pickle declares "
            + storage.elementCount());
      }
      storage.load(in.readBytes(storage.byteCount(), "the data"));
    } catch (CheckpointException e) {
      throw new CheckpointException("storage " + quote(storage.key()) + " at byte " + at + " of "
          + in.name() + ": " + e.getMessage(), e);
    }
  }
}
