package dev.deepscreen.trainer.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reads the checkpoints that trainer/scripts/fixtures/pytorch_reader_fixtures.py made with torch
 * 1.13 and compares them with what torch itself read back (expected.json).
 */
class PyTorchCheckpointTest {
  private static JsonNode expected;

  @TempDir
  Path dir;

  @BeforeAll
  static void readExpectations() throws IOException, URISyntaxException {
    // Python's json writes NaN and Infinity for the special float values.
    expected = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build()
        .readTree(fixture("expected.json").toFile());
  }

  @ParameterizedTest
  @ValueSource(strings = {"wrapped_zip.pt", "wrapped_legacy.pt", "wrapped_protocol5_zip.pt",
      "bare_zip.pt", "bare_legacy.pt"})
  void readsEveryTensorAsTorchDoes(String name) throws Exception {
    JsonNode file = expected.get(name);
    PyTorchCheckpoint checkpoint = PyTorchCheckpoint.read(fixture(name));

    assertThat(checkpoint.format().name()).isEqualTo(file.get("format").asText());
    List<String> keys = new ArrayList<>();
    file.get("tensors").forEach(t -> keys.add(t.get("key").asText()));
    assertThat(checkpoint.stateDict().keySet()).containsExactlyElementsOf(keys);
    for (JsonNode description : file.get("tensors")) {
      String key = description.get("key").asText();
      assertTensor(checkpoint.stateDict().get(key), description, key);
    }
    assertEntries(checkpoint.otherEntries(), file.get("other"));
  }

  @Test
  void theFixturesCoverBothZipFoldersAndEveryDtype() throws Exception {
    assertThat(zipFolders("wrapped_zip.pt")).containsExactly("wrapped_zip");
    assertThat(zipFolders("bare_zip.pt")).containsExactly("archive");
    assertThat(PyTorchCheckpoint.read(fixture("wrapped_zip.pt")).stateDict().values())
        .extracting(TorchTensor::dtype).contains(DType.values());
  }

  @ParameterizedTest
  @ValueSource(strings = {"wrapped_zip.pt", "wrapped_legacy.pt", "wrapped_protocol5_zip.pt"})
  void readsTheWrapperEntriesAsPlainValues(String name) throws Exception {
    Map<String, Object> other = PyTorchCheckpoint.read(fixture(name)).otherEntries();

    assertThat(other.keySet())
        .containsExactly("epoch", "bce_best", "note", "nested", "scale", "history");
    assertThat(other.get("epoch")).isEqualTo(3L);
    assertThat(other.get("note")).isEqualTo("text");
    assertThat(other.get("nested"))
        .isEqualTo(Map.of("a", Arrays.asList(1L, 2.5, null, true)));
    PythonObject scalar = (PythonObject) other.get("bce_best");
    assertThat(scalar.className()).isEqualTo("numpy.core.multiarray.scalar");
    PythonObject dtype = (PythonObject) scalar.args().get(0);
    assertThat(dtype.className()).isEqualTo("numpy.dtype");
    assertThat(dtype.args()).containsExactly("f8", false, true);
    assertThat((List<?>) dtype.state()).element(1).isEqualTo("<");
    assertThat(ByteBuffer.wrap((byte[]) scalar.args().get(1)).order(ByteOrder.LITTLE_ENDIAN)
        .getDouble()).isEqualTo(0.25);
    assertThat(((TorchTensor) other.get("scale")).toFloats()).containsExactly(2f, 0.5f);
  }

  @Test
  void stripsTheDataParallelPrefixOnlyWhenEveryKeyHasIt() throws Exception {
    assertThat(PyTorchCheckpoint.read(fixture("wrapped_zip.pt")).stateDict())
        .containsKeys("f32", "base", "param")
        .allSatisfy((key, tensor) -> assertThat(key).doesNotStartWith("module."));

    PickleBytes tensor = new PickleBytes().tensor("FloatStorage", "0", 1, 0, new long[0],
        new long[0]);
    Map<String, PickleBytes> entries = new LinkedHashMap<>();
    entries.put("module.a", tensor);
    entries.put("b", new PickleBytes().tensor("FloatStorage", "0", 1, 0, new long[0],
        new long[0]));
    Path file = PickleBytes.zip(dir.resolve("mixed.pt"), "archive",
        PickleBytes.stateDict(entries), Map.of("0", PickleBytes.floats(1f)), Map.of());
    assertThat(PyTorchCheckpoint.read(file).stateDict()).containsOnlyKeys("module.a", "b");
  }

  @ParameterizedTest
  @ValueSource(strings = {"wrapped_zip.pt", "wrapped_legacy.pt"})
  void viewsShareTheirStorage(String name) throws Exception {
    Map<String, TorchTensor> tensors = PyTorchCheckpoint.read(fixture(name)).stateDict();

    TorchTensor transposed = tensors.get("transposed");
    assertThat(transposed.shape()).containsExactly(4, 3);
    assertThat(transposed.strides()).containsExactly(1, 4);
    assertThat(transposed.toFloats()).containsExactly(0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11);
    TorchTensor slice = tensors.get("slice");
    assertThat(slice.storageOffset()).isEqualTo(5);
    assertThat(slice.strides()).containsExactly(4, 1);
    assertThat(slice.toFloats()).containsExactly(5, 6, 9, 10);
    assertThat(tensors.get("expanded").strides()).containsExactly(0, 1);
    assertThat(tensors.get("expanded").toFloats()).containsExactly(7, -7, 7, -7, 7, -7);
    assertThat(tensors.get("scalar").shape()).isEmpty();
    assertThat(tensors.get("scalar").toFloats()).containsExactly(3.25f);
    assertThat(tensors.get("empty").shape()).containsExactly(0, 3);
    assertThat(tensors.get("empty").toFloats()).isEmpty();
  }

  @Test
  void refusesAPickleThatWouldRunACommand() throws Exception {
    Path file = fixture("system.pkl");
    assertThatThrownBy(() -> PyTorchCheckpoint.read(file))
        .isInstanceOf(CheckpointException.class)
        .hasMessage(file + ": refuses the global posix.system (not a state-dict object) at byte"
            + " 2 of system.pkl");
    assertThatThrownBy(() -> PyTorchCheckpoint.read(fixture("system_legacy.pt")))
        .isInstanceOf(CheckpointException.class)
        .hasMessageEndingWith(": refuses the global posix.system (not a state-dict object) at"
            + " byte 139 of system_legacy.pt");
    assertThatThrownBy(() -> PyTorchCheckpoint.read(fixture("eval_zip.pt")))
        .isInstanceOf(CheckpointException.class)
        .hasMessageEndingWith(": refuses the global builtins.eval (not a state-dict object) at"
            + " byte 2 of eval_zip/data.pkl");
  }

  @ParameterizedTest
  @ValueSource(strings = {"module_zip.pt", "module_legacy.pt"})
  void refusesAWholeModuleAndAsksForItsStateDict(String name) {
    assertThatThrownBy(() -> PyTorchCheckpoint.read(fixture(name)))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("refuses the global torch.nn.modules.linear.Linear: the file holds"
            + " a whole module object, not a state dict (save and read model.state_dict()"
            + " instead) at byte " + (name.endsWith("zip.pt") ? "2 of module_zip/data.pkl"
                : "153 of module_legacy.pt"));
  }

  @Test
  void namesWhatIsWrongWithFilesThatAreNotCheckpoints() throws Exception {
    assertThatThrownBy(() -> PyTorchCheckpoint.read(fixture("truncated_zip.pt")))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("truncated_zip.pt: is not a readable zip archive, perhaps"
            + " truncated");
    assertThatThrownBy(() -> PyTorchCheckpoint.read(fixture("truncated_legacy.pt")))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("of truncated_legacy.pt: truncated: the data needs")
        .hasMessageMatching(".*storage '\\d+' at byte \\d+ of .*bytes but only \\d+ remain");
    assertThatThrownBy(() -> PyTorchCheckpoint.read(fixture("not_a_checkpoint.txt")))
        .isInstanceOf(CheckpointException.class)
        .hasMessageEndingWith("not_a_checkpoint.txt: is neither a zip archive nor a pickle (it"
            + " starts with 0x65706f63683a2033): not a PyTorch checkpoint");
    assertThatThrownBy(() -> PyTorchCheckpoint.read(fixture("no_data_pkl.zip")))
        .isInstanceOf(CheckpointException.class)
        .hasMessageEndingWith("no_data_pkl.zip: is a zip archive without a <folder>/data.pkl"
            + " entry: not a PyTorch checkpoint");
    Path empty = Files.createFile(dir.resolve("empty.pt"));
    assertThatThrownBy(() -> PyTorchCheckpoint.read(empty))
        .isInstanceOf(CheckpointException.class)
        .hasMessage(empty + ": is empty");
  }

  private static void assertTensor(TorchTensor tensor, JsonNode description, String key) {
    assertThat(tensor).as(key).isNotNull();
    assertThat(tensor.dtype().name()).as(key).isEqualTo(description.get("dtype").asText());
    assertThat(tensor.shape()).as(key).containsExactly(longs(description.get("shape")));
    assertThat(tensor.strides()).as(key).containsExactly(longs(description.get("strides")));
    assertThat(tensor.storageOffset()).as(key).isEqualTo(description.get("offset").asLong());
    List<Integer> expectedBits = new ArrayList<>();
    description.get("values")
        .forEach(v -> expectedBits.add(Float.floatToIntBits((float) v.asDouble())));
    // Compared as bits: -0.0 differs from 0.0, and every NaN is the same NaN.
    List<Integer> actualBits = new ArrayList<>();
    for (float value : tensor.toFloats()) {
      actualBits.add(Float.floatToIntBits(value));
    }
    assertThat(tensor.elementCount()).as(key).isEqualTo(expectedBits.size());
    assertThat(actualBits).as(key).containsExactlyElementsOf(expectedBits);
  }

  /** Other entries as described by the fixture script: tensors and numpy scalars tagged. */
  private static void assertEntries(Object actual, JsonNode expected) {
    if (expected.isObject() && expected.has("tensor")) {
      assertTensor((TorchTensor) actual, expected.get("tensor"), "tensor");
    } else if (expected.isObject() && expected.has("ndarray")) {
      assertThat(expected.get("ndarray").asText()).isEqualTo("<f8");
      PythonObject array = (PythonObject) actual;
      // Protocol 2: _reconstruct, then BUILD with (version, shape, dtype, fortran, bytes).
      // Protocol 5: _frombuffer(bytes, dtype, shape, order).
      List<?> parts = array.className().equals("numpy.core.multiarray._reconstruct")
          ? (List<?>) array.state()
          : List.of(0, array.args().get(2), array.args().get(1), false, array.args().get(0));
      assertThat(array.className()).isIn("numpy.core.multiarray._reconstruct",
          "numpy.core.numeric._frombuffer");
      assertThat(parts.get(1)).isEqualTo(List.of(expected.get("shape").get(0).asLong()));
      assertThat(((PythonObject) parts.get(2)).args()).containsExactly("f8", false, true);
      ByteBuffer bytes = ByteBuffer.wrap((byte[]) parts.get(4)).order(ByteOrder.LITTLE_ENDIAN);
      for (JsonNode value : expected.get("values")) {
        assertThat(bytes.getDouble()).isEqualTo(value.asDouble());
      }
      assertThat(bytes.hasRemaining()).isFalse();
    } else if (expected.isObject() && expected.has("numpy")) {
      PythonObject scalar = (PythonObject) actual;
      assertThat(scalar.className()).isEqualTo("numpy.core.multiarray.scalar");
      assertThat(expected.get("numpy").asText()).isEqualTo("<f8");
      assertThat(ByteBuffer.wrap((byte[]) scalar.args().get(1)).order(ByteOrder.LITTLE_ENDIAN)
          .getDouble()).isEqualTo(expected.get("value").asDouble());
    } else if (expected.isObject()) {
      @SuppressWarnings("unchecked")
      Map<Object, Object> map = (Map<Object, Object>) actual;
      List<Object> names = new ArrayList<>();
      expected.fieldNames().forEachRemaining(names::add);
      assertThat(map.keySet()).containsExactlyInAnyOrderElementsOf(names);
      for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        assertEntries(map.get(field.getKey()), field.getValue());
      }
    } else if (expected.isArray()) {
      List<?> list = (List<?>) actual;
      assertThat(list).hasSize(expected.size());
      for (int i = 0; i < list.size(); i++) {
        assertEntries(list.get(i), expected.get(i));
      }
    } else if (expected.isIntegralNumber()) {
      assertThat(actual).isEqualTo(expected.asLong());
    } else if (expected.isNumber()) {
      assertThat(actual).isEqualTo(expected.asDouble());
    } else if (expected.isBoolean()) {
      assertThat(actual).isEqualTo(expected.asBoolean());
    } else if (expected.isNull()) {
      assertThat(actual).isNull();
    } else {
      assertThat(actual).isEqualTo(expected.asText());
    }
  }

  private static long[] longs(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).mapToLong(JsonNode::asLong)
        .toArray();
  }

  private static List<String> zipFolders(String name) throws Exception {
    try (ZipFile zip = new ZipFile(fixture(name).toFile())) {
      return zip.stream().map(e -> e.getName().substring(0, e.getName().indexOf('/')))
          .distinct().toList();
    }
  }

  static Path fixture(String name) throws URISyntaxException {
    return Path.of(PyTorchCheckpointTest.class.getResource(name).toURI());
  }
}
