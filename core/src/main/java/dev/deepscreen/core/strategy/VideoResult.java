package dev.deepscreen.core.strategy;

import java.util.List;

/**
 * An ensemble's answer for one video.
 *
 * @param probability probability that the video was manipulated; always the mean of
 *     {@code models}' probabilities weighted by the models' weights
 * @param method how it was reached
 * @param models per-model results, in model order: over all faces, or for {@link
 *     Method#PER_TRACK} over the faces of the deciding (most suspicious) track
 * @param tracks per-track results, most suspicious first; empty when no face has a track id
 */
public record VideoResult(double probability, Method method, List<ModelOutcome> models,
    List<TrackOutcome> tracks) {
  public VideoResult {
    models = List.copyOf(models);
    tracks = List.copyOf(tracks);
  }
}
