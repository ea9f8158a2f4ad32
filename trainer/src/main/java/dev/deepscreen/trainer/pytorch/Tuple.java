package dev.deepscreen.trainer.pytorch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A Python tuple while unpickling: kept apart from lists, which pickles can still append to. */
record Tuple(List<Object> items) {
  static final Tuple EMPTY = new Tuple(List.of());

  /** An immutable copy; unlike {@code List.copyOf} it keeps Python's None as null. */
  static Tuple of(List<Object> items) {
    return new Tuple(Collections.unmodifiableList(new ArrayList<>(items)));
  }

  int size() {
    return items.size();
  }

  Object get(int index) {
    return items.get(index);
  }
}
