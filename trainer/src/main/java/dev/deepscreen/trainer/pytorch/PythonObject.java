package dev.deepscreen.trainer.pytorch;

import java.util.List;
import java.util.Objects;

/**
 * A Python object of an allowed class that has no Java counterpart, kept as the pickle describes
 * it rather than built: the class's dotted name, the arguments it was called with and the state
 * it was given afterwards ({@code null} when none).
 *
 * <p>A numpy scalar such as {@code numpy.float64(0.25)} arrives as {@code
 * numpy.core.multiarray.scalar} with the arguments {@code [dtype, bytes]}: the dtype is itself a
 * {@code PythonObject} ({@code numpy.dtype} with arguments {@code ["f8", false, true]} and a state
 * whose second item is the byte order, {@code "<"} or {@code "|"}), and the bytes are the value in
 * that order. A numpy array pickled with protocol 2 is {@code numpy.core.multiarray._reconstruct}
 * with the state {@code [1, shape, dtype, fortran order, bytes]}; with protocol 5 it is {@code
 * numpy.core.numeric._frombuffer} with the arguments {@code [bytes, dtype, shape, order]}. Sets
 * are {@code builtins.set} or {@code builtins.frozenset} with one argument, the list of their
 * items. A class referred to but not called has no arguments.
 */
public record PythonObject(String className, List<Object> args, Object state) {
  public PythonObject {
    Objects.requireNonNull(className, "className");
    Objects.requireNonNull(args, "args");
  }
}
