package dev.deepscreen.trainer.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opcodes that torch.save rarely writes but other picklers do, read into plain values. */
class PickleOpcodesTest {
  @TempDir
  Path dir;

  @Test
  void readsEveryKindOfPlainValue() throws IOException {
    PickleBytes pickle = PickleBytes.protocol2().op('}', '(');
    pickle.str("none").op('N');
    pickle.str("list").op(']', 'N', 'a');
    pickle.str("set").op(0x8f, '(', 'K', 1, 'K', 2, 0x90);
    pickle.str("frozen").op('(', 'K', 3, 0x91);
    pickle.str("bytes").op('C', 2, 'a', 'b');
    pickle.str("big").op(0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1);
    pickle.str("negative").op(0x8a, 1, 0xff);
    pickle.str("float").op('G').raw(ByteBuffer.allocate(8).putDouble(1.5).array());
    pickle.str("tuple").op('(', 'K', 1, 'K', 2, 't');
    pickle.str("tuple key").op('}', 'K', 1, 'K', 2, 0x86).str("v").op('s');
    pickle.str("text int").op('I').raw(ascii("42\n"));
    pickle.str("text long").op('L').raw(ascii("123456789012345678901234567890L\n"));
    pickle.str("text float").op('F').raw(ascii("2.5\n"));
    pickle.str("text bool").op('I').raw(ascii("01\n"));
    pickle.str("dict").op('(').str("k").str("v").op('d');
    pickle.str("memo").str("m").op('p').raw(ascii("7\n")).op('0', 'g').raw(ascii("7\n"));
    pickle.str("dup").op('K', 5, '2', '0');
    pickle.str("device").global("torch", "device").str("cuda").op('K', 0, 0x86, 'R');
    Path file = PickleBytes.zip(dir.resolve("values.pt"), "archive",
        pickle.op('u').stop().bytes(), Map.of(), Map.of());

    PyTorchCheckpoint checkpoint = PyTorchCheckpoint.read(file);

    assertThat(checkpoint.stateDict()).isEmpty();
    Map<String, Object> values = checkpoint.otherEntries();
    assertThat(values.keySet()).containsExactly("none", "list", "set", "frozen", "bytes", "big",
        "negative", "float", "tuple", "tuple key", "text int", "text long", "text float",
        "text bool", "dict", "memo", "dup", "device");
    assertThat(values.get("none")).isNull();
    assertThat(values.get("list")).isEqualTo(Arrays.asList((Object) null));
    assertThat(values.get("set"))
        .isEqualTo(new PythonObject("builtins.set", List.of(List.of(1L, 2L)), null));
    assertThat(values.get("frozen"))
        .isEqualTo(new PythonObject("builtins.frozenset", List.of(List.of(3L)), null));
    assertThat((byte[]) values.get("bytes")).containsExactly('a', 'b');
    assertThat(values.get("big")).isEqualTo(BigInteger.ONE.shiftLeft(64));
    assertThat(values.get("negative")).isEqualTo(-1L);
    assertThat(values.get("float")).isEqualTo(1.5);
    assertThat(values.get("tuple")).isEqualTo(List.of(1L, 2L));
    assertThat(values.get("tuple key")).isEqualTo(Map.of(List.of(1L, 2L), "v"));
    assertThat(values.get("text int")).isEqualTo(42L);
    assertThat(values.get("text long"))
        .isEqualTo(new BigInteger("123456789012345678901234567890"));
    assertThat(values.get("text float")).isEqualTo(2.5);
    assertThat(values.get("text bool")).isEqualTo(true);
    assertThat(values.get("dict")).isEqualTo(Map.of("k", "v"));
    assertThat(values.get("memo")).isEqualTo("m");
    assertThat(values.get("dup")).isEqualTo(5L);
    assertThat(values.get("device"))
        .isEqualTo(new PythonObject("torch.device", List.of("cuda", 0L), null));
  }

  @Test
  void returnsImmutableValues() throws IOException {
    byte[] pickle = PickleBytes.protocol2().op('}').str("list").op(']', 'N', 'a', 's').stop()
        .bytes();
    Path file = PickleBytes.zip(dir.resolve("list.pt"), "archive", pickle, Map.of(), Map.of());
    Map<String, Object> values = PyTorchCheckpoint.read(file).otherEntries();

    assertThat(values).isUnmodifiable();
    assertThat((List<?>) values.get("list")).isUnmodifiable();
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
