/**
 * The trainer: dataset ingestion, augmentation, models, training, evaluation and export of the
 * ensemble that the scoring stream loads. It reuses the pipeline's frame sampling, face cropping
 * and preprocessing from the streams module rather than keeping copies.
 */
package dev.deepscreen.trainer;
