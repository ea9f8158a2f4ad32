package dev.deepscreen.trainer.pytorch;

import static dev.deepscreen.trainer.pytorch.PickleValues.describe;
import static dev.deepscreen.trainer.pytorch.PickleValues.quote;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one pickle (protocols 0 to 5) into plain values without running anything: globals go
 * through the {@link AllowList}, persistent ids through a {@link StorageTable}, and the memo,
 * stack, nesting and container sizes are bounded by the {@link CheckpointLimits}.
 *
 * <p>Values while unpickling: null, Boolean, Long, BigInteger, Double, String, byte[], {@link
 * Tuple}, ArrayList (a Python list), LinkedHashMap (a dict), {@link Global}, {@link StorageRef},
 * {@link TorchTensor} and {@link PendingObject}.
 */
final class Unpickler {
  private final ByteInput in;
  private final CheckpointLimits limits;
  private final StorageTable storages;
  private final AllowList allowList;
  private final Map<Long, Object> memo = new HashMap<>();
  private final Deque<List<Object>> marks = new ArrayDeque<>();
  private List<Object> stack = new ArrayList<>();
  private int itemsUnderMarks;

  /**
   * @param storages resolves persistent ids; {@code null} for pickles that may not have any (a
   *     legacy file's magic number, version, system information and storage keys)
   */
  Unpickler(ByteInput in, CheckpointLimits limits, StorageTable storages) {
    this.in = in;
    this.limits = limits;
    this.storages = storages;
    this.allowList = new AllowList(limits);
  }

  /** Reads up to and including the STOP opcode and returns the pickled object. */
  Object load() throws CheckpointException {
    in.openWindow(limits.maxPickleBytes(),
        "of " + limits.maxPickleBytes() + " bytes per pickle (maxPickleBytes)");
    try {
      while (true) {
        long at = in.position();
        try {
          int opcode = in.readUnsignedByte("the next opcode");
          if (opcode == '.') {
            return pop();
          }
          execute(opcode);
        } catch (CheckpointException e) {
          throw new CheckpointException(e.getMessage() + " at byte " + at + " of " + in.name(), e);
        }
      }
    } finally {
      in.closeWindow();
    }
  }

  private void execute(int opcode) throws CheckpointException {
    switch (opcode) {
      case 0x80 -> { // PROTO
        int version = in.readUnsignedByte("PROTO");
        if (version > 5) {
          throw new CheckpointException("uses pickle protocol " + version + ", newer than 5");
        }
      }
      case 0x95 -> { // FRAME: a length prefix for buffering; the data follows as usual.
        long frame = in.readLongLittleEndian("a frame length");
        if (frame < 0 || frame > in.remaining()) {
          throw new CheckpointException("truncated: a frame of " + Long.toUnsignedString(frame)
              + " bytes but only " + in.remaining() + " remain");
        }
      }
      case '(' -> mark();
      case '0' -> { // POP
        if (stack.isEmpty()) {
          popMark();
        } else {
          pop();
        }
      }
      case '1' -> popMark(); // POP_MARK
      case '2' -> push(top()); // DUP
      case 'N' -> push(null);
      case 0x88 -> push(Boolean.TRUE);
      case 0x89 -> push(Boolean.FALSE);
      case 'I' -> push(textInt(in.readLine("INT")));
      case 'L' -> push(textInt(stripSuffix(in.readLine("LONG"), "L")));
      case 'F' -> push(textFloat(in.readLine("FLOAT")));
      case 'J' -> push((long) in.readIntLittleEndian("BININT"));
      case 'K' -> push(in.readUnsigned(1, "BININT1"));
      case 'M' -> push(in.readUnsigned(2, "BININT2"));
      case 0x8a -> push(littleEndianInt(in.readBytes(in.readUnsigned(1, "LONG1"), "LONG1")));
      case 0x8b -> push(littleEndianInt(
          in.readBytes(in.readIntLittleEndian("LONG4"), "LONG4")));
      case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(
          in.readLongLittleEndian("BINFLOAT"))));
      case 'X' -> push(utf8(in.readUnsigned(4, "BINUNICODE"), "BINUNICODE"));
      case 0x8c -> push(utf8(in.readUnsigned(1, "SHORT_BINUNICODE"), "SHORT_BINUNICODE"));
      case 0x8d -> push(utf8(in.readLongLittleEndian("BINUNICODE8"), "BINUNICODE8"));
      // Python 2 str; torch.load reads these with a byte-per-char encoding too.
      case 'T' -> push(latin1(in.readIntLittleEndian("BINSTRING"), "BINSTRING"));
      case 'U' -> push(latin1(in.readUnsigned(1, "SHORT_BINSTRING"), "SHORT_BINSTRING"));
      case 'B' -> push(in.readBytes(in.readUnsigned(4, "BINBYTES"), "BINBYTES"));
      case 'C' -> push(in.readBytes(in.readUnsigned(1, "SHORT_BINBYTES"), "SHORT_BINBYTES"));
      case 0x8e -> push(in.readBytes(in.readLongLittleEndian("BINBYTES8"), "BINBYTES8"));
      case 0x96 -> push(in.readBytes(in.readLongLittleEndian("BYTEARRAY8"), "BYTEARRAY8"));
      case ')' -> push(Tuple.EMPTY);
      case 0x85 -> push(tupleOfTop(1));
      case 0x86 -> push(tupleOfTop(2));
      case 0x87 -> push(tupleOfTop(3));
      case 't' -> push(Tuple.of(sized(popMark(), "a tuple")));
      case ']' -> push(new ArrayList<>());
      case 'l' -> push(new ArrayList<>(sized(popMark(), "a list")));
      case 'a' -> append(Collections.singletonList(pop()));
      case 'e' -> append(popMark());
      case '}' -> push(new LinkedHashMap<>());
      case 'd' -> {
        Map<Object, Object> dict = new LinkedHashMap<>();
        setItems(dict, popMark());
        push(dict);
      }
      case 's' -> {
        Object value = pop();
        Object key = pop();
        setItems(top(), Arrays.asList(key, value));
      }
      case 'u' -> {
        List<Object> items = popMark();
        setItems(top(), items);
      }
      case 0x8f -> push(new PendingObject("builtins.set", List.of(new ArrayList<>())));
      case 0x90 -> addItems(popMark());
      case 0x91 -> {
        List<Object> items = new ArrayList<>(sized(popMark(), "a frozenset"));
        push(new PendingObject("builtins.frozenset", List.of(items)));
      }
      case 'p' -> memoize(textIndex(in.readLine("PUT")));
      case 'q' -> memoize(in.readUnsigned(1, "BINPUT"));
      case 'r' -> memoize(in.readUnsigned(4, "LONG_BINPUT"));
      case 0x94 -> memoize((long) memo.size()); // MEMOIZE
      case 'g' -> push(recall(textIndex(in.readLine("GET"))));
      case 'h' -> push(recall(in.readUnsigned(1, "BINGET")));
      case 'j' -> push(recall(in.readUnsigned(4, "LONG_BINGET")));
      case 'c' -> push(AllowList.resolve(in.readLine("GLOBAL module"),
          in.readLine("GLOBAL name")));
      case 0x93 -> { // STACK_GLOBAL
        Object name = pop();
        Object module = pop();
        if (!(module instanceof String m) || !(name instanceof String n)) {
          throw new CheckpointException("STACK_GLOBAL needs two str, got " + describe(module)
              + " and " + describe(name));
        }
        push(AllowList.resolve(m, n));
      }
      case 'R' -> { // REDUCE
        Object args = pop();
        Object callable = pop();
        push(allowList.call(callable, requireTuple(args, "REDUCE arguments")));
      }
      case 0x81 -> { // NEWOBJ
        Object args = pop();
        Object cls = pop();
        push(allowList.instantiate(cls, requireTuple(args, "NEWOBJ arguments").items()));
      }
      case 0x92 -> { // NEWOBJ_EX
        Object kwargs = pop();
        Object args = pop();
        Object cls = pop();
        if (!(kwargs instanceof Map<?, ?> map) || !map.isEmpty()) {
          throw new CheckpointException("NEWOBJ_EX with keyword arguments is not supported");
        }
        push(allowList.instantiate(cls, requireTuple(args, "NEWOBJ_EX arguments").items()));
      }
      case 'i' -> { // INST
        Global cls = AllowList.resolve(in.readLine("INST module"), in.readLine("INST name"));
        push(allowList.instantiate(cls, popMark()));
      }
      case 'o' -> { // OBJ
        List<Object> items = popMark();
        if (items.isEmpty()) {
          throw new CheckpointException("OBJ without a class");
        }
        push(allowList.instantiate(items.get(0), items.subList(1, items.size())));
      }
      case 'b' -> { // BUILD
        Object state = pop();
        AllowList.build(top(), state);
      }
      case 'Q' -> push(persistent(pop()));
      case 'P' -> push(persistent(in.readLine("PERSID")));
      case 'S', 'V' -> throw new CheckpointException("uses the protocol 0 text opcode "
          + (opcode == 'S' ? "STRING" : "UNICODE") + ", which this reader does not support");
      case 0x82, 0x83, 0x84 -> throw new CheckpointException(
          "uses an extension code (EXT" + (1 << (opcode - 0x82)) + "), which needs Python's"
              + " copyreg registry");
      case 0x97, 0x98 -> throw new CheckpointException(
          "uses an out-of-band buffer, which a file cannot supply");
      default -> throw new CheckpointException(
          String.format("holds the unknown opcode 0x%02x", opcode));
    }
  }

  private Object persistent(Object id) throws CheckpointException {
    if (storages == null) {
      throw new CheckpointException("holds a persistent id where none may be");
    }
    return storages.resolve(id);
  }

  private void push(Object value) throws CheckpointException {
    if (stack.size() + itemsUnderMarks >= limits.maxStackItems()) {
      throw new CheckpointException("holds more than " + limits.maxStackItems()
          + " items on the stack (the maxStackItems limit)");
    }
    stack.add(value);
  }

  private Object pop() throws CheckpointException {
    if (stack.isEmpty()) {
      throw new CheckpointException(marks.isEmpty() ? "pops an empty stack" : "pops a MARK");
    }
    return stack.remove(stack.size() - 1);
  }

  private Object top() throws CheckpointException {
    if (stack.isEmpty()) {
      throw new CheckpointException("reads the top of an empty stack");
    }
    return stack.get(stack.size() - 1);
  }

  private void mark() throws CheckpointException {
    if (marks.size() >= limits.maxNestingDepth()) {
      throw new CheckpointException("nests marks deeper than " + limits.maxNestingDepth()
          + " (the maxNestingDepth limit)");
    }
    marks.push(stack);
    itemsUnderMarks += stack.size();
    stack = new ArrayList<>();
  }

  /** The items pushed since the last MARK, which is removed. */
  private List<Object> popMark() throws CheckpointException {
    if (marks.isEmpty()) {
      throw new CheckpointException("needs a MARK that is not there");
    }
    List<Object> items = stack;
    stack = marks.pop();
    itemsUnderMarks -= stack.size();
    return items;
  }

  private Tuple tupleOfTop(int count) throws CheckpointException {
    Object[] items = new Object[count];
    for (int i = count - 1; i >= 0; i--) {
      items[i] = pop();
    }
    return Tuple.of(Arrays.asList(items));
  }

  private List<Object> sized(List<Object> items, String what) throws CheckpointException {
    requireRoom(0, items.size(), what);
    return items;
  }

  private void requireRoom(int size, int more, String what) throws CheckpointException {
    if ((long) size + more > limits.maxContainerSize()) {
      throw new CheckpointException(what + " of more than " + limits.maxContainerSize()
          + " items (the maxContainerSize limit)");
    }
  }

  @SuppressWarnings("unchecked")
  private void append(List<Object> items) throws CheckpointException {
    Object target = top();
    if (!(target instanceof ArrayList<?>)) {
      throw new CheckpointException("appends to " + describe(target) + ", not a list");
    }
    List<Object> list = (List<Object>) target;
    requireRoom(list.size(), items.size(), "a list");
    list.addAll(items);
  }

  @SuppressWarnings("unchecked")
  private void setItems(Object target, List<Object> keysAndValues) throws CheckpointException {
    if (!(target instanceof LinkedHashMap<?, ?>)) {
      throw new CheckpointException("sets items of " + describe(target) + ", not a dict");
    }
    if (keysAndValues.size() % 2 != 0) {
      throw new CheckpointException("sets dict items from an odd number of values ("
          + keysAndValues.size() + ")");
    }
    Map<Object, Object> dict = (Map<Object, Object>) target;
    requireRoom(dict.size(), keysAndValues.size() / 2, "a dict");
    for (int i = 0; i < keysAndValues.size(); i += 2) {
      Object key = keysAndValues.get(i);
      PickleValues.requireHashable(key);
      dict.put(key, keysAndValues.get(i + 1));
    }
  }

  @SuppressWarnings("unchecked")
  private void addItems(List<Object> items) throws CheckpointException {
    Object target = top();
    if (!(target instanceof PendingObject set) || !set.className.equals("builtins.set")
        || set.args.size() != 1 || !(set.args.get(0) instanceof ArrayList<?>)) {
      throw new CheckpointException("adds set items to " + describe(target) + ", not a set");
    }
    List<Object> members = (List<Object>) set.args.get(0);
    requireRoom(members.size(), items.size(), "a set");
    members.addAll(items);
  }

  private void memoize(long index) throws CheckpointException {
    if (!memo.containsKey(index) && memo.size() >= limits.maxMemoEntries()) {
      throw new CheckpointException("memoizes more than " + limits.maxMemoEntries()
          + " objects (the maxMemoEntries limit)");
    }
    memo.put(index, top());
  }

  private Object recall(long index) throws CheckpointException {
    if (!memo.containsKey(index)) {
      throw new CheckpointException("recalls memo entry " + index + ", which was never stored");
    }
    return memo.get(index);
  }

  private String utf8(long length, String what) throws CheckpointException {
    return new String(in.readBytes(length, what), StandardCharsets.UTF_8);
  }

  private String latin1(long length, String what) throws CheckpointException {
    return new String(in.readBytes(length, what), StandardCharsets.ISO_8859_1);
  }

  private static Object littleEndianInt(byte[] bytes) {
    if (bytes.length == 0) {
      return 0L;
    }
    byte[] bigEndian = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      bigEndian[i] = bytes[bytes.length - 1 - i];
    }
    return normalize(new BigInteger(bigEndian));
  }

  private static Object normalize(BigInteger value) {
    return value.bitLength() < 64 ? (Object) value.longValue() : value;
  }

  private static Object textInt(String line) throws CheckpointException {
    // Protocol 0 writes True and False as INT 01 and 00.
    if (line.equals("01")) {
      return Boolean.TRUE;
    }
    if (line.equals("00")) {
      return Boolean.FALSE;
    }
    try {
      return normalize(new BigInteger(line.strip()));
    } catch (NumberFormatException e) {
      throw new CheckpointException("holds the malformed integer " + quote(line));
    }
  }

  private static long textIndex(String line) throws CheckpointException {
    if (textInt(line) instanceof Long index) {
      return index;
    }
    throw new CheckpointException("holds the memo index " + quote(line));
  }

  private static Double textFloat(String line) throws CheckpointException {
    String text = line.strip();
    switch (text) {
      case "inf":
        return Double.POSITIVE_INFINITY;
      case "-inf":
        return Double.NEGATIVE_INFINITY;
      case "nan":
        return Double.NaN;
      default:
        try {
          return Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new CheckpointException("holds the malformed float " + quote(line));
        }
    }
  }

  private static String stripSuffix(String text, String suffix) {
    return text.endsWith(suffix) ? text.substring(0, text.length() - suffix.length()) : text;
  }

  private static Tuple requireTuple(Object value, String what) throws CheckpointException {
    if (value instanceof Tuple tuple) {
      return tuple;
    }
    throw new CheckpointException(what + " are " + describe(value) + ", not a tuple");
  }
}
