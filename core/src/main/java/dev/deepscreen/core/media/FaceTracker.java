package dev.deepscreen.core.media;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Links the faces of successive sampled frames into person tracks, so that a video can be judged
 * by its most suspicious person. Greedy matching, best overlap first: a face continues the track
 * whose last box it overlaps most (intersection over union at least {@code minIou}) or whose
 * centre is within half a box of its own, since sampled frames can be a third of a second apart.
 * A track not seen for {@code maxGap} sampled frames ends. Not thread-safe: one per video.
 */
public final class FaceTracker {
  private final double minIou;
  private final int maxGap;
  private final List<Track> tracks = new ArrayList<>();
  private int nextId;
  private int frame;

  private static final class Track {
    final int id;
    FaceBox last;
    int lastFrame;

    Track(int id, FaceBox last, int lastFrame) {
      this.id = id;
      this.last = last;
      this.lastFrame = lastFrame;
    }
  }

  private record Candidate(int face, Track track, double affinity) {}

  public FaceTracker(double minIou, int maxGap) {
    this.minIou = minIou;
    this.maxGap = maxGap;
  }

  /** Track ids for the faces of the next sampled frame, in the order given. */
  public int[] assign(List<FaceBox> faces) {
    frame++;
    tracks.removeIf(t -> frame - t.lastFrame > maxGap + 1);
    List<Candidate> candidates = new ArrayList<>();
    for (int i = 0; i < faces.size(); i++) {
      for (Track track : tracks) {
        double affinity = affinity(faces.get(i), track.last);
        if (affinity > 0) {
          candidates.add(new Candidate(i, track, affinity));
        }
      }
    }
    candidates.sort(Comparator.comparingDouble(Candidate::affinity).reversed());
    int[] ids = new int[faces.size()];
    java.util.Arrays.fill(ids, -1);
    List<Track> taken = new ArrayList<>();
    for (Candidate c : candidates) {
      if (ids[c.face()] == -1 && !taken.contains(c.track())) {
        ids[c.face()] = c.track().id;
        c.track().last = faces.get(c.face());
        c.track().lastFrame = frame;
        taken.add(c.track());
      }
    }
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] == -1) {
        Track track = new Track(nextId++, faces.get(i), frame);
        tracks.add(track);
        ids[i] = track.id;
      }
    }
    return ids;
  }

  /** Overlap, or failing that closeness of centres, as a score in (0, 1]; 0 for no match. */
  private double affinity(FaceBox face, FaceBox previous) {
    double iou = face.iou(previous);
    if (iou >= minIou) {
      return 1 + iou;
    }
    double dx = (face.x() + face.width() / 2.0) - (previous.x() + previous.width() / 2.0);
    double dy = (face.y() + face.height() / 2.0) - (previous.y() + previous.height() / 2.0);
    double reach = Math.max(previous.width(), previous.height()) / 2.0;
    double distance = Math.hypot(dx, dy);
    double sizeRatio = (double) Math.min(face.width(), previous.width())
        / Math.max(face.width(), previous.width());
    return distance <= reach && sizeRatio > 0.5 ? 1 - distance / reach / 2 : 0;
  }
}
