package dev.deepscreen.trainer.pytorch;

import java.util.ArrayList;
import java.util.List;

/**
 * An object of an allowed opaque class while unpickling: a pickle may memoize it before BUILD
 * gives it its state, and add items to a set after creating it, so it stays mutable until the
 * result becomes a {@link PythonObject}.
 */
final class PendingObject {
  final String className;
  final List<Object> args;
  Object state;

  PendingObject(String className, List<Object> args) {
    this.className = className;
    this.args = new ArrayList<>(args);
  }
}
