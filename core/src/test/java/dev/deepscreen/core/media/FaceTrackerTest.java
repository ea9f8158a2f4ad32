package dev.deepscreen.core.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FaceTrackerTest {

  @Test
  void facesThatMoveALittleKeepTheirTracks() {
    FaceTracker tracker = new FaceTracker(0.3, 2);
    assertThat(tracker.assign(List.of(box(100, 100), box(400, 100)))).containsExactly(0, 1);
    // Listed in the other order and moved by a third of a box: same people.
    assertThat(tracker.assign(List.of(box(430, 110), box(130, 90)))).containsExactly(1, 0);
    // Someone new appears far away.
    assertThat(tracker.assign(List.of(box(140, 95), box(700, 300)))).containsExactly(0, 2);
  }

  @Test
  void aTrackEndsAfterTheGapAndAReturningFaceStartsANewOne() {
    FaceTracker tracker = new FaceTracker(0.3, 1);
    assertThat(tracker.assign(List.of(box(100, 100)))).containsExactly(0);
    assertThat(tracker.assign(List.of())).isEmpty();
    assertThat(tracker.assign(List.of(box(100, 100)))).containsExactly(0);
    assertThat(tracker.assign(List.of())).isEmpty();
    assertThat(tracker.assign(List.of())).isEmpty();
    assertThat(tracker.assign(List.of(box(100, 100)))).containsExactly(1);
  }

  private static FaceBox box(int x, int y) {
    return new FaceBox(x, y, 90, 110, 0.9f);
  }
}
