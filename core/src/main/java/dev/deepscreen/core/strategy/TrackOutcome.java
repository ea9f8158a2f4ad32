package dev.deepscreen.core.strategy;

import java.util.List;

/**
 * The result for one person track.
 *
 * @param trackId the track id, or null for the group of faces without one
 * @param probability the weighted mean over models of each model's result on this track's
 *     faces
 * @param faces how many faces of this track were used
 * @param models each model's result on this track's faces
 */
public record TrackOutcome(Integer trackId, double probability, int faces,
    List<ModelOutcome> models) {
  public TrackOutcome {
    models = List.copyOf(models);
  }
}
