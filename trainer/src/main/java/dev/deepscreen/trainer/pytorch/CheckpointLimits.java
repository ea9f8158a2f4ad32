package dev.deepscreen.trainer.pytorch;

/**
 * Bounds on what reading one checkpoint may cost, so that a damaged or hostile file fails with a
 * {@link CheckpointException} instead of exhausting memory or the stack.
 *
 * @param maxPickleBytes the most bytes one pickle (a zip's data.pkl, or one of a legacy file's
 *     pickles) may take
 * @param maxMemoEntries the most objects a pickle may keep in its memo
 * @param maxNestingDepth the deepest nesting of marks while unpickling and of containers in the
 *     result; the result is walked recursively, so a very large value can exhaust a small thread
 *     stack (which is then reported as a CheckpointException too)
 * @param maxStackItems the most items on the unpickler's stack at once
 * @param maxContainerSize the most items in one list, tuple, dict or set
 * @param maxTensors the most tensors in one file
 * @param maxStorageBytes the most bytes of tensor data in one file, all storages together
 */
public record CheckpointLimits(
    long maxPickleBytes,
    int maxMemoEntries,
    int maxNestingDepth,
    int maxStackItems,
    int maxContainerSize,
    int maxTensors,
    long maxStorageBytes) {

  public CheckpointLimits {
    requirePositive("maxPickleBytes", maxPickleBytes);
    requirePositive("maxMemoEntries", maxMemoEntries);
    requirePositive("maxNestingDepth", maxNestingDepth);
    requirePositive("maxStackItems", maxStackItems);
    requirePositive("maxContainerSize", maxContainerSize);
    requirePositive("maxTensors", maxTensors);
    requirePositive("maxStorageBytes", maxStorageBytes);
  }

  /**
   * Limits that fit training checkpoints of large image models with their optimizer state (an
   * EfficientNet-B7 checkpoint is about 270 MB): 256 MiB per pickle, a million memo entries and
   * stack items, nesting 100 deep (checkpoints nest a handful of levels), 16 million items per
   * container, 100,000 tensors and 2 GiB of tensor data.
   */
  public static CheckpointLimits defaults() {
    return new CheckpointLimits(256L << 20, 1_000_000, 100, 1_000_000, 1 << 24, 100_000,
        2L << 30);
  }

  private static void requirePositive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }
}
