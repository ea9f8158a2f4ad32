package dev.deepscreen.trainer.pytorch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes pickles and checkpoint files opcode by opcode, for inputs torch would never make. */
final class PickleBytes {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** A pickle that starts with PROTO 2, as torch's do. */
  static PickleBytes protocol2() {
    return new PickleBytes().op(0x80, 2);
  }

  PickleBytes op(int... bytes) {
    for (int b : bytes) {
      out.write(b);
    }
    return this;
  }

  PickleBytes raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  PickleBytes uint32(long value) {
    return op((int) value, (int) (value >>> 8), (int) (value >>> 16), (int) (value >>> 24));
  }

  PickleBytes global(String module, String name) {
    return op('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
  }

  PickleBytes str(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    return op('X').uint32(utf8.length).raw(utf8);
  }

  /** BININT for ints, LONG1 beyond. */
  PickleBytes integer(long value) {
    if (value == (int) value) {
      return op('J').uint32(value);
    }
    return op(0x8a, 8).raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(value).array());
  }

  PickleBytes ints(long... values) {
    op('(');
    for (long value : values) {
      integer(value);
    }
    return op('t');
  }

  PickleBytes stop() {
    return op('.');
  }

  /**
   * {@code _rebuild_tensor_v2(storage, offset, shape, strides, False, OrderedDict())} over a
   * storage of {@code count} elements of {@code storageClass}.
   */
  PickleBytes tensor(String storageClass, String key, long count, long offset, long[] shape,
      long[] strides) {
    global("torch._utils", "_rebuild_tensor_v2").op('(');
    op('(').str("storage").global("torch", storageClass).str(key).str("cpu").integer(count)
        .op('t', 'Q');
    integer(offset).ints(shape).ints(strides).op(0x89);
    global("collections", "OrderedDict").op(')', 'R');
    return op('t', 'R');
  }

  /** A dict of the tensors that {@code entries} pickles, key by key. */
  static byte[] stateDict(Map<String, PickleBytes> entries) {
    PickleBytes pickle = protocol2().op('}', '(');
    entries.forEach((key, value) -> pickle.str(key).raw(value.bytes()));
    return pickle.op('u').stop().bytes();
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  /**
   * A zip checkpoint: {@code <folder>/data.pkl}, the storages as {@code <folder>/data/<key>} and
   * extra entries by their full names.
   */
  static Path zip(Path file, String folder, byte[] dataPkl, Map<String, byte[]> storages,
      Map<String, byte[]> extra) throws IOException {
    try (OutputStream stream = Files.newOutputStream(file);
        ZipOutputStream zip = new ZipOutputStream(stream)) {
      entry(zip, folder + "/data.pkl", dataPkl);
      for (Map.Entry<String, byte[]> storage : storages.entrySet()) {
        entry(zip, folder + "/data/" + storage.getKey(), storage.getValue());
      }
      for (Map.Entry<String, byte[]> e : extra.entrySet()) {
        entry(zip, e.getKey(), e.getValue());
      }
    }
    return file;
  }

  /**
   * A legacy checkpoint: magic number, protocol version, system information, {@code main}, the
   * storage keys and then each storage as an element count and its bytes.
   */
  static Path legacy(Path file, byte[] main, List<String> keys, List<Long> counts,
      List<byte[]> storages) throws IOException {
    PickleBytes all = protocol2().op(0x8a, 10)
        .raw(new byte[] {0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a,
            (byte) 0xa8, 0x50, 0x19})
        .stop();
    all.op(0x80, 2, 'M', 0xe9, 0x03, '.');
    all.op(0x80, 2, '}').str("little_endian").op(0x88, 's', '.');
    all.raw(main);
    PickleBytes keyList = protocol2().op(']', '(');
    keys.forEach(keyList::str);
    all.raw(keyList.op('e').stop().bytes());
    for (int i = 0; i < counts.size(); i++) {
      all.raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(counts.get(i))
          .array());
      all.raw(storages.get(i));
    }
    return Files.write(file, all.bytes());
  }

  static byte[] floats(float... values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : values) {
      buffer.putFloat(value);
    }
    return buffer.array();
  }

  private static void entry(ZipOutputStream zip, String name, byte[] data) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(data);
    zip.closeEntry();
  }
}
