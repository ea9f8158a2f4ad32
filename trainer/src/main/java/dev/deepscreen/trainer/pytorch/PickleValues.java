package dev.deepscreen.trainer.pytorch;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/** What the reader needs to know about the values an {@link Unpickler} builds. */
final class PickleValues {
  private PickleValues() {}

  /**
   * Keys are kept in Java maps, so only values with stable equality may be keys: None, bool,
   * numbers, str, bytes and flat tuples of those (enough for any state dict).
   */
  static void requireHashable(Object key) throws CheckpointException {
    if (key instanceof Tuple tuple) {
      for (Object item : tuple.items()) {
        if (!isScalar(item)) {
          throw new CheckpointException("uses a dict key tuple holding " + describe(item));
        }
      }
    } else if (!isScalar(key)) {
      throw new CheckpointException("uses " + describe(key) + " as a dict key");
    }
  }

  private static boolean isScalar(Object value) {
    return value == null || value instanceof Boolean || value instanceof Long
        || value instanceof BigInteger || value instanceof Double || value instanceof String
        || value instanceof byte[];
  }

  /** A short description of a value for messages, never its whole content. */
  static String describe(Object value) {
    if (value == null) {
      return "None";
    } else if (value instanceof Boolean b) {
      return "the bool " + (b ? "True" : "False");
    } else if (value instanceof Long || value instanceof BigInteger) {
      return "the int " + shorten(value.toString());
    } else if (value instanceof Double d) {
      return "the float " + d;
    } else if (value instanceof String s) {
      return "the str " + quote(s);
    } else if (value instanceof byte[] bytes) {
      return "bytes of length " + bytes.length;
    } else if (value instanceof Tuple t) {
      return "a tuple of " + t.size();
    } else if (value instanceof List<?> l) {
      return "a list of " + l.size();
    } else if (value instanceof Map<?, ?> m) {
      return "a dict of " + m.size();
    } else if (value instanceof Global g) {
      return "the global " + g.dottedName();
    } else if (value instanceof StorageRef s) {
      return "storage '" + s.storage().key() + "'";
    } else if (value instanceof TorchTensor) {
      return "a tensor";
    } else if (value instanceof PendingObject p) {
      return "a " + p.className + " object";
    }
    return "a " + value.getClass().getSimpleName();
  }

  /** A str from the file in quotes, shortened: messages name keys, never dump them. */
  static String quote(String text) {
    return text == null ? "(unnamed)" : "'" + shorten(text) + "'";
  }

  /** At most 100 characters of {@code text}. */
  static String shorten(String text) {
    return text.length() <= 100 ? text : text.substring(0, 100) + "...";
  }
}
