package dev.deepscreen.trainer.pytorch;

import static dev.deepscreen.trainer.pytorch.PyTorchCheckpointTest.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Damaged and hostile checkpoints built byte by byte: each must fail with a CheckpointException
 * that says what and where, never with an unchecked exception, an OutOfMemoryError or a
 * StackOverflowError.
 */
class HostileCheckpointTest {
  private static final long[] SCALAR = {};

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"wrapped_zip.pt", "wrapped_legacy.pt", "wrapped_protocol5_zip.pt",
      "bare_legacy.pt"})
  void damagedCopiesOfRealCheckpointsFailOnlyWithCheckpointException(String name)
      throws Exception {
    byte[] original = Files.readAllBytes(fixture(name));
    Random random = new Random(name.hashCode());
    int refused = 0;
    for (int i = 0; i < 400; i++) {
      byte[] copy = original.clone();
      if (i % 4 == 0) {
        copy = Arrays.copyOf(copy, random.nextInt(copy.length));
      } else {
        for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
          copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
        }
      }
      Path file = Files.write(dir.resolve("damaged-" + i + ".pt"), copy);
      try {
        for (TorchTensor tensor : PyTorchCheckpoint.read(file).stateDict().values()) {
          if (tensor.elementCount() < 1_000_000) {
            tensor.toFloats();
          }
        }
      } catch (CheckpointException e) {
        assertThat(e.getMessage()).startsWith(file + ": ");
        refused++;
      }
    }
    // Most damage is caught; some only changes values, which no reader can notice.
    assertThat(refused).isGreaterThan(100);
  }

  @Test
  void checksClaimedLengthsAgainstTheBytesLeftBeforeAllocating() throws IOException {
    byte[] hugeString = PickleBytes.protocol2().op('X').uint32(0x7fffffffL).raw(new byte[3])
        .bytes();
    assertRefused(zip(hugeString)).hasMessageEndingWith("truncated: BINUNICODE needs 2147483647"
        + " bytes but only 3 remain at byte 2 of archive/data.pkl");
    assertRefused(file("huge.pkl", hugeString)).hasMessageEndingWith(
        "truncated: BINUNICODE needs 2147483647 bytes but only 3 remain at byte 2 of huge.pkl");

    byte[] hugeBytes = PickleBytes.protocol2().op(0x8e).op(0, 0, 0, 0, 0, 0, 0, 0x40).bytes();
    assertRefused(zip(hugeBytes)).hasMessageEndingWith("truncated: BINBYTES8 needs"
        + " 4611686018427387904 bytes but only 0 remain at byte 2 of archive/data.pkl");

    byte[] negativeLong = PickleBytes.protocol2().op(0x8b).uint32(-1).bytes();
    assertRefused(zip(negativeLong))
        .hasMessageEndingWith("LONG4 claims a negative length (-1) at byte 2 of archive/data.pkl");

    byte[] noStop = PickleBytes.protocol2().op('N').bytes();
    assertRefused(zip(noStop)).hasMessageEndingWith(
        "truncated: the next opcode needs 1 byte but only 0 remain at byte 3 of archive/data.pkl");
  }

  @ParameterizedTest
  @CsvSource({"os, system", "subprocess, Popen", "builtins, getattr", "__builtin__, exec",
      "torch, load", "torch.serialization, load", "copyreg, _reconstructor"})
  void refusesGlobalsOutsideTheAllowListHoweverTheyAreNamed(String module, String name)
      throws IOException {
    String dotted = module.replace("__builtin__", "builtins") + "." + name;
    byte[] global = PickleBytes.protocol2().global(module, name).op(')', 'R').stop().bytes();
    assertRefused(zip(global)).hasMessageEndingWith(
        "refuses the global " + dotted + " (not a state-dict object) at byte 2 of"
            + " archive/data.pkl");

    // Protocol 4 names globals from two strings on the stack.
    byte[] stackGlobal = new PickleBytes().op(0x80, 4).str(module).str(name).op(0x93).stop()
        .bytes();
    int at = 2 + 5 + module.length() + 5 + name.length();
    assertRefused(zip(stackGlobal)).hasMessageEndingWith(
        "refuses the global " + dotted + " (not a state-dict object) at byte " + at
            + " of archive/data.pkl");

    // Protocol 0 instantiates classes by name with INST.
    byte[] inst = PickleBytes.protocol2().op('(').op('i')
        .raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8)).stop().bytes();
    assertRefused(zip(inst)).hasMessageEndingWith(
        "refuses the global " + dotted + " (not a state-dict object) at byte 3 of"
            + " archive/data.pkl");
  }

  @Test
  void keepsNamesFromTheFileShortAndPrintableInMessages() throws IOException {
    byte[] newline = new PickleBytes().op(0x80, 4).str("os\nx").str("system").op(0x93).stop()
        .bytes();
    assertRefused(zip(newline)).hasMessageContaining("refuses the global os\\x0ax.system (not a"
        + " state-dict object)");
    byte[] longName = new PickleBytes().op(0x80, 4).str("m".repeat(10_000)).str("f")
        .op(0x93).stop().bytes();
    assertRefused(zip(longName)).hasMessageContaining("refuses the global " + "m".repeat(100)
        + "... (not a state-dict object) at byte 10013");
  }

  @Test
  void refusesMisusedAllowedGlobals() throws IOException {
    assertRefused(zip(PickleBytes.protocol2().global("_codecs", "encode").str("abc")
        .str("utf-8").op(0x86, 'R').stop().bytes()))
        .hasMessageEndingWith("_codecs.encode is allowed only as (str, 'latin1'), got a tuple"
            + " of 2 at byte 37 of archive/data.pkl");
    assertRefused(zip(PickleBytes.protocol2().global("torch", "FloatStorage").op(')', 'R')
        .stop().bytes()))
        .hasMessageContaining("calls the storage class torch.FloatStorage; storages may only"
            + " come from persistent ids at byte 23");
    assertRefused(zip(PickleBytes.protocol2().global("torch", "ComplexFloatStorage").stop()
        .bytes()))
        .hasMessageContaining("holds a storage of the unsupported type"
            + " torch.ComplexFloatStorage at byte 2");
    assertRefused(zip(PickleBytes.protocol2().global("torch._utils", "_rebuild_tensor_v2")
        .op(')', 0x81).stop().bytes()))
        .hasMessageContaining("instantiates torch._utils._rebuild_tensor_v2, which is a"
            + " function here, not a class");
    assertRefused(zip(PickleBytes.protocol2().op(']', ')', 'R').stop().bytes()))
        .hasMessageContaining("REDUCE applies a list of 0, not an allowed global at byte 4");
    assertRefused(zip(PickleBytes.protocol2().op(']', '}', 'b').stop().bytes()))
        .hasMessageContaining("BUILD gives state to a list of 0 at byte 4");
    assertRefused(zip(PickleBytes.protocol2().global("torch._utils", "_rebuild_tensor_v2")
        .str("x").op(0x85, 'R').stop().bytes()))
        .hasMessageContaining("torch._utils._rebuild_tensor_v2 expects 6 arguments, got 1");
    assertRefused(zip(PickleBytes.protocol2().global("torch._utils", "_rebuild_tensor_v2")
        .op('(').str("x").integer(0).ints().ints().op(0x89, 'N', 't', 'R').stop().bytes()))
        .hasMessageContaining("torch._utils._rebuild_tensor_v2 expects a storage first, got the"
            + " str 'x'");
  }

  @Test
  void refusesPersistentIdsOtherThanStorages() throws IOException {
    byte[] other = PickleBytes.protocol2().op('(').str("other").integer(1).op('t', 'Q').stop()
        .bytes();
    assertRefused(zip(other)).hasMessageEndingWith("refuses a persistent id of kind 'other'"
        + " (only storages are allowed) at byte 19 of archive/data.pkl");
    byte[] module = PickleBytes.protocol2().op('(').str("module").op('N', 't', 'Q').stop()
        .bytes();
    assertRefused(zip(module)).hasMessageContaining("refuses a persistent id for a module"
        + " class: the file holds a whole module object");
    byte[] text = PickleBytes.protocol2().op('P').raw("0\n".getBytes(StandardCharsets.UTF_8))
        .stop().bytes();
    assertRefused(zip(text)).hasMessageContaining("refuses the persistent id the str '0'");
    // The pickles around a legacy file's object may not refer to storages at all.
    byte[] inMagic = PickleBytes.protocol2().op('(').str("storage").op('t', 'Q').stop().bytes();
    assertRefused(file("pid.pkl", inMagic))
        .hasMessageEndingWith("holds a persistent id where none may be at byte 16 of pid.pkl");
  }

  @Test
  void refusesTensorsThatReachOutsideTheirStorage() throws IOException {
    Path outside = zip(Map.of("w", new PickleBytes().tensor("FloatStorage", "0", 6, 0,
        new long[] {2, 4}, new long[] {4, 1})), Map.of("0", new byte[24]));
    assertRefused(outside).hasMessageEndingWith("tensor 'w' (shape [2, 4], strides [4, 1],"
        + " offset 0) reaches element 7 of storage '0', which holds 6");

    Path offset = zip(Map.of("b", new PickleBytes().tensor("FloatStorage", "0", 6, 6, SCALAR,
        SCALAR)), Map.of("0", new byte[24]));
    assertRefused(offset).hasMessageEndingWith(
        "tensor 'b' (shape [], strides [], offset 6) reaches element 6 of storage '0', which"
            + " holds 6");

    Path overflow = zip(Map.of("o", new PickleBytes().tensor("FloatStorage", "0", 6, 0,
        new long[] {3, 1}, new long[] {1L << 62, 1})), Map.of("0", new byte[24]));
    assertRefused(overflow).hasMessageContaining("reaches element 2^63 or beyond");

    Path negative = zip(Map.of("n", new PickleBytes().tensor("FloatStorage", "0", 6, 0,
        new long[] {2}, new long[] {-1})), Map.of("0", new byte[24]));
    assertRefused(negative).hasMessageContaining(
        "torch._utils._rebuild_tensor_v2 stride[0] is the int -1, not a non-negative integer");

    Path huge = zip(Map.of("h", new PickleBytes().tensor("FloatStorage", "0", 1, 0,
        new long[] {1L << 40, 1L << 40}, new long[] {0, 0})), Map.of("0", new byte[4]));
    assertRefused(huge).hasMessageContaining("holds a tensor of shape [1099511627776,"
        + " 1099511627776], more elements than a long counts");
  }

  @Test
  void aTensorTooLargeForOneArrayReadsButCannotBecomeFloats() throws IOException {
    // 2^31 elements that all read the one element of their storage (stride 0).
    Path broadcast = zip(Map.of("big", new PickleBytes().tensor("FloatStorage", "0", 1, 0,
        new long[] {1L << 31}, new long[] {0})), Map.of("0", PickleBytes.floats(1.5f)));
    TorchTensor big = PyTorchCheckpoint.read(broadcast).stateDict().get("big");

    assertThat(big.elementCount()).isEqualTo(1L << 31);
    assertThatThrownBy(big::toFloats).isInstanceOf(IllegalStateException.class)
        .hasMessage("tensor 'big' of shape [2147483648] has 2147483648 elements, more than a"
            + " float[] holds");
  }

  @Test
  void refusesContainersThatContainThemselvesOrNestWithoutEnd() throws IOException {
    byte[] loop = PickleBytes.protocol2().op('}').str("loop").op(']', 'q', 0, 'h', 0, 'a', 's')
        .stop().bytes();
    assertRefused(zip(loop)).hasMessageEndingWith("entry loop[0] contains itself");

    // Lists nested 100,000 deep without a single MARK: each level is appended to the last.
    PickleBytes deep = PickleBytes.protocol2().op('}').str("deep").op(']', '2');
    for (int i = 0; i < 100_000; i++) {
      deep.op(']', 'q', 1, 'a', '0', 'h', 1);
    }
    assertRefused(zip(deep.op('0', 's').stop().bytes()))
        .hasMessageContaining("entry deep[0][0][0]")
        .hasMessageEndingWith("nests containers deeper than 100 (the maxNestingDepth limit)");
    CheckpointLimits deeper = new CheckpointLimits(1 << 20, 10, 1_000_000, 100, 100, 1, 1);
    assertRefused(zip(deep.bytes()), deeper).hasMessageEndingWith(
        "entry deep nests containers too deep for this thread's stack; lower maxNestingDepth");

    byte[] listKey = PickleBytes.protocol2().op('}', ']', 'N', 's').stop().bytes();
    assertRefused(zip(listKey)).hasMessageEndingWith("uses a list of 0 as a dict key at byte 5"
        + " of archive/data.pkl");
  }

  @Test
  void boundsTheMemoTheStackAndTheMarks() throws IOException {
    byte[] memo = PickleBytes.protocol2().op(']', 'q', 0, 'q', 1, 'q', 2).stop().bytes();
    assertRefused(zip(memo), limits(2, 100, 100, 100))
        .hasMessageEndingWith("memoizes more than 2 objects (the maxMemoEntries limit) at byte 7"
            + " of archive/data.pkl");

    byte[] stack = PickleBytes.protocol2().op('N', 'N', 'N', 'N').stop().bytes();
    assertRefused(zip(stack), limits(100, 100, 3, 100)).hasMessageEndingWith(
        "holds more than 3 items on the stack (the maxStackItems limit) at byte 5 of"
            + " archive/data.pkl");

    PickleBytes marks = PickleBytes.protocol2();
    for (int i = 0; i < 101; i++) {
      marks.op('(');
    }
    assertRefused(zip(marks.stop().bytes())).hasMessageEndingWith(
        "nests marks deeper than 100 (the maxNestingDepth limit) at byte 102 of"
            + " archive/data.pkl");

    byte[] list = PickleBytes.protocol2().op(']', '(', 'N', 'N', 'N', 'e').stop().bytes();
    assertRefused(zip(list), limits(100, 100, 100, 2)).hasMessageEndingWith(
        "a list of more than 2 items (the maxContainerSize limit) at byte 7 of"
            + " archive/data.pkl");
  }

  @Test
  void aTinyLimitMakesAValidCheckpointFailClearly() throws Exception {
    Path zip = fixture("wrapped_zip.pt");
    Path legacy = fixture("wrapped_legacy.pt");
    CheckpointLimits defaults = CheckpointLimits.defaults();
    assertThat(PyTorchCheckpoint.read(zip, defaults).stateDict()).hasSize(18);

    assertRefused(zip, new CheckpointLimits(100, 1000, 100, 1000, 1000, 1000, 1 << 20))
        .hasMessageEndingWith("entry wrapped_zip/data.pkl is " + dataPklSize()
            + " bytes, more than the limit of 100 bytes per pickle (maxPickleBytes)");
    assertRefused(legacy, new CheckpointLimits(100, 1000, 100, 1000, 1000, 1000, 1 << 20))
        .hasMessageContaining("past the limit of 100 bytes per pickle (maxPickleBytes) at byte");
    for (Path file : List.of(zip, legacy)) {
      assertRefused(file, new CheckpointLimits(1 << 20, 1000, 100, 1000, 1000, 3, 1 << 20))
          .hasMessageContaining("holds more than 3 tensors (the maxTensors limit) at byte");
      assertRefused(file, new CheckpointLimits(1 << 20, 1000, 100, 1000, 1000, 1000, 64))
          .hasMessageContaining("needs more than 64 bytes of storages (the maxStorageBytes"
              + " limit) with storage '");
      assertRefused(file, new CheckpointLimits(1 << 20, 10, 100, 1000, 1000, 1000, 1 << 20))
          .hasMessageContaining("memoizes more than 10 objects (the maxMemoEntries limit)");
      assertRefused(file, new CheckpointLimits(1 << 20, 1000, 100, 1000, 5, 1000, 1 << 20))
          .hasMessageContaining("of more than 5 items (the maxContainerSize limit)");
      assertRefused(file, new CheckpointLimits(1 << 20, 1000, 2, 1000, 1000, 1000, 1 << 20))
          .hasMessageContaining("nests marks deeper than 2 (the maxNestingDepth limit)");
    }
    CheckpointLimits unbounded = new CheckpointLimits(Long.MAX_VALUE, Integer.MAX_VALUE,
        Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE,
        Long.MAX_VALUE);
    assertThat(PyTorchCheckpoint.read(legacy, unbounded).stateDict()).hasSize(18);
    assertThatThrownBy(() -> new CheckpointLimits(1, 1, 1, 1, 1, 0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTensors must be positive: 0");
  }

  @Test
  void checksTheLegacyHeaderAndStorages() throws IOException {
    byte[] main = PickleBytes.stateDict(Map.of("w", new PickleBytes().tensor("FloatStorage",
        "k", 2, 0, new long[] {2}, new long[] {1})));
    byte[] data = PickleBytes.floats(1f, 2f);
    Path good = PickleBytes.legacy(dir.resolve("good.pt"), main, List.of("k"), List.of(2L),
        List.of(data));
    assertThat(PyTorchCheckpoint.read(good).stateDict().get("w").toFloats())
        .containsExactly(1f, 2f);
    assertThat(PyTorchCheckpoint.read(good).format()).isEqualTo(PyTorchCheckpoint.Format.LEGACY);

    assertRefused(file("int.pkl", PickleBytes.protocol2().integer(12345).stop().bytes()))
        .hasMessageEndingWith("int.pkl: starts with a pickle of the int 12345, not the magic"
            + " number of a legacy PyTorch checkpoint");
    assertRefused(file("dict.pkl", PickleBytes.protocol2().op('}').stop().bytes()))
        .hasMessageEndingWith("starts with a pickle of a dict of 0, not the magic number of a"
            + " legacy PyTorch checkpoint");
    byte[] version = Files.readAllBytes(good);
    version[18] = (byte) 0xea;
    assertRefused(file("version.pt", version))
        .hasMessageEndingWith("has the legacy protocol version the int 1002, not 1001");
    byte[] bigEndian = Files.readAllBytes(good);
    bigEndian[42] = (byte) 0x89;
    assertRefused(file("big.pt", bigEndian)).hasMessageEndingWith(
        "was saved on a big-endian machine; this reader reads little-endian storages only");

    assertRefused(PickleBytes.legacy(dir.resolve("count.pt"), main, List.of("k"), List.of(3L),
        List.of(data)))
        .hasMessageMatching(".*count.pt: storage 'k' at byte \\d+ of count.pt: holds 3 elements"
            + " where the pickle declares 2");
    assertRefused(PickleBytes.legacy(dir.resolve("unknown.pt"), main, List.of("zz"),
        List.of(2L), List.of(data)))
        .hasMessageEndingWith("lists the storage key the str 'zz', which no tensor refers to");
    assertRefused(PickleBytes.legacy(dir.resolve("none.pt"), main, List.of(), List.of(),
        List.of()))
        .hasMessageEndingWith("has no data for storage 'k'");
  }

  @Test
  void readsOldLegacyStorageViewsAndChecksTheirBounds() throws IOException {
    byte[] data = PickleBytes.floats(0, 1, 2, 3, 4, 5);
    Path view = PickleBytes.legacy(dir.resolve("view.pt"),
        viewedTensor(2, 3), List.of("k"), List.of(6L), List.of(data));
    TorchTensor tensor = PyTorchCheckpoint.read(view).stateDict().get("v");
    // The view starts at element 2 of the storage and the tensor at element 1 of the view.
    assertThat(tensor.storageOffset()).isEqualTo(1);
    assertThat(tensor.toFloats()).containsExactly(3f, 4f);

    Path outside = PickleBytes.legacy(dir.resolve("outside.pt"),
        viewedTensor(4, 6), List.of("k"), List.of(6L), List.of(data));
    assertRefused(outside).hasMessageContaining(
        "holds a view of elements 4 to 10 of storage 'k', which has 6 at byte");
    Path beyondView = PickleBytes.legacy(dir.resolve("beyond.pt"),
        viewedTensor(4, 2), List.of("k"), List.of(6L), List.of(data));
    assertRefused(beyondView).hasMessageEndingWith("tensor 'v' (shape [2], strides [1], offset"
        + " 1) reaches element 2 of storage 'k', which holds 2");
  }

  /**
   * {'v': _rebuild_tensor(storage view, 1, (2,), (1,))}: the form of torch before 1.0, where a
   * persistent id could name a view (key, offset, size) of a six-element storage 'k'.
   */
  private static byte[] viewedTensor(long viewOffset, long viewSize) {
    PickleBytes pickle = PickleBytes.protocol2().op('}').str("v")
        .global("torch._utils", "_rebuild_tensor").op('(');
    pickle.op('(').str("storage").global("torch", "FloatStorage").str("k").str("cpu")
        .integer(6).op('(').str("view").integer(viewOffset).integer(viewSize).op('t', 't', 'Q');
    return pickle.integer(1).ints(2).ints(1).op('t', 'R', 's').stop().bytes();
  }

  @Test
  void checksTheZipLayoutAndStorages() throws IOException {
    Map<String, PickleBytes> tensor = Map.of("w", new PickleBytes().tensor("FloatStorage", "0",
        6, 0, new long[] {6}, new long[] {1}));
    byte[] pickle = PickleBytes.stateDict(tensor);
    assertThat(PyTorchCheckpoint.read(PickleBytes.zip(dir.resolve("ok.pt"), "any_name", pickle,
        Map.of("0", new byte[24]), Map.of("any_name/byteorder", "little".getBytes()))).stateDict())
        .containsOnlyKeys("w");

    assertRefused(PickleBytes.zip(dir.resolve("missing.pt"), "archive", pickle, Map.of(),
        Map.of())).hasMessageEndingWith("has no entry archive/data/0 for storage '0'");
    assertRefused(PickleBytes.zip(dir.resolve("short.pt"), "archive", pickle,
        Map.of("0", new byte[8]), Map.of()))
        .hasMessageEndingWith("entry archive/data/0 holds 8 bytes where storage '0' of 6"
            + " FLOAT32 needs 24");
    assertRefused(PickleBytes.zip(dir.resolve("big.pt"), "archive", pickle,
        Map.of("0", new byte[24]), Map.of("archive/byteorder", "big".getBytes())))
        .hasMessageEndingWith("entry archive/byteorder says the storages are 'big'-endian; this"
            + " reader reads little-endian storages only");
    assertRefused(PickleBytes.zip(dir.resolve("script.pt"), "archive", pickle,
        Map.of("0", new byte[24]), Map.of("archive/constants.pkl", new byte[1])))
        .hasMessageContaining("is a TorchScript archive (torch.jit.save)");
    Path damaged = PickleBytes.zip(dir.resolve("damaged.pt"), "archive", pickle,
        Map.of("0", new byte[24]), Map.of());
    byte[] bytes = Files.readAllBytes(damaged);
    // The entry's name in its local header is followed by its deflated data: 0xff there reads
    // as a final block of the reserved type.
    int data = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("archive/data/0") + 14;
    bytes[data] = (byte) 0xff;
    assertRefused(Files.write(damaged, bytes)).hasMessageEndingWith("entry archive/data/0"
        + " cannot be read (java.util.zip.ZipException: invalid block type)");
    Path twice = dir.resolve("twice.pt");
    PickleBytes.zip(twice, "a", pickle, Map.of(), Map.of("b/data.pkl", pickle));
    assertRefused(twice).hasMessageContaining("is a zip archive with several data.pkl entries"
        + " [a/data.pkl, b/data.pkl]");
  }

  @Test
  void namesWhatIsWrongAtTheTopLevel() throws IOException {
    assertRefused(zip(PickleBytes.protocol2().op(']').stop().bytes()))
        .hasMessageEndingWith("holds a list of 0, not a dict of tensors");
    assertRefused(zip(PickleBytes.protocol2().op('}').str("state_dict").integer(5).op('s')
        .stop().bytes()))
        .hasMessageEndingWith("has a 'state_dict' entry that is the int 5, not a dict");
    assertRefused(zip(PickleBytes.protocol2().op('}').integer(1).integer(2).op('s').stop()
        .bytes()))
        .hasMessageEndingWith("has the top-level key the int 1, not a str");
    assertRefused(zip(PickleBytes.protocol2().stop().bytes()))
        .hasMessageEndingWith("pops an empty stack at byte 2 of archive/data.pkl");
    assertRefused(zip(PickleBytes.protocol2().op(0xff).bytes()))
        .hasMessageEndingWith("holds the unknown opcode 0xff at byte 2 of archive/data.pkl");
    byte[] tar = new byte[1024];
    System.arraycopy("ustar".getBytes(StandardCharsets.US_ASCII), 0, tar, 257, 5);
    assertRefused(file("old.tar", tar)).hasMessageEndingWith("is a tar archive, the checkpoint"
        + " format of torch before 0.4, which this reader does not support");
  }

  private AbstractThrowableAssert<?, ? extends Throwable> assertRefused(Path file) {
    return assertRefused(file, CheckpointLimits.defaults());
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(Path file,
      CheckpointLimits limits) {
    return assertThatThrownBy(() -> PyTorchCheckpoint.read(file, limits))
        .isInstanceOf(CheckpointException.class)
        .hasMessageStartingWith(file + ": ");
  }

  private static CheckpointLimits limits(int memo, int depth, int stack, int container) {
    return new CheckpointLimits(1 << 20, memo, depth, stack, container, 100, 1 << 20);
  }

  private Path zip(byte[] dataPkl) throws IOException {
    return PickleBytes.zip(Files.createTempFile(dir, "hostile", ".pt"), "archive", dataPkl,
        Map.of(), Map.of());
  }

  private Path zip(Map<String, PickleBytes> tensors, Map<String, byte[]> storages)
      throws IOException {
    return PickleBytes.zip(Files.createTempFile(dir, "tensors", ".pt"), "archive",
        PickleBytes.stateDict(tensors), storages, Map.of());
  }

  private Path file(String name, byte[] content) throws IOException {
    return Files.write(dir.resolve(name), content);
  }

  private static long dataPklSize() throws Exception {
    try (var zip = new java.util.zip.ZipFile(fixture("wrapped_zip.pt").toFile())) {
      return zip.getEntry("wrapped_zip/data.pkl").getSize();
    }
  }
}
