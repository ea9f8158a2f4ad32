package dev.deepscreen.core.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FrameSamplingTest {

  @Test
  void matchesNumpyLinspaceTruncatedToIntegers() {
    // np.linspace(0, 299, 32, dtype=int)
    assertThat(FrameSampling.indices(300, 32)).containsExactly(0, 9, 19, 28, 38, 48, 57, 67, 77,
        86, 96, 106, 115, 125, 135, 144, 154, 163, 173, 183, 192, 202, 212, 221, 231, 241, 250,
        260, 270, 279, 289, 299);
    // np.linspace(0, 9, 4, dtype=int)
    assertThat(FrameSampling.indices(10, 4)).containsExactly(0, 3, 6, 9);
  }

  @Test
  void shortVideosGiveEachFrameOnce() {
    // np.linspace(0, 4, 32, dtype=int) repeats indices; each frame is decoded once anyway.
    assertThat(FrameSampling.indices(5, 32)).containsExactly(0, 1, 2, 3, 4);
    assertThat(FrameSampling.indices(1, 32)).containsExactly(0);
    assertThat(FrameSampling.indices(0, 32)).isEmpty();
    assertThat(FrameSampling.indices(300, 1)).containsExactly(0);
  }
}
