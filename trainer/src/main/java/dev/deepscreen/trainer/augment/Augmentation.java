package dev.deepscreen.trainer.augment;

import dev.deepscreen.trainer.train.CropTransform;

/** One image augmentation: a new image from an 8-bit BGR image and a random stream. */
@FunctionalInterface
public interface Augmentation extends CropTransform {}
