package dev.deepscreen.trainer.pytorch;

/**
 * What a persistent id resolves to: a storage, or (in old legacy files) a view of {@code
 * elementCount} elements of it starting at element {@code offset}.
 */
record StorageRef(Storage storage, long offset, long elementCount) {}
