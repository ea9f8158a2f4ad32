package dev.deepscreen.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FoldsTest {

  private static LabelledVideo real(String id) {
    return new LabelledVideo(id, Path.of(id), Label.REAL, List.of(), null);
  }

  private static LabelledVideo fake(String id, String... sources) {
    return new LabelledVideo(id, Path.of(id), Label.FAKE, List.of(sources), null);
  }

  /** Twenty originals, each with two fakes; some fakes mix two originals (face swaps). */
  private static List<LabelledVideo> dataset() {
    List<LabelledVideo> videos = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      videos.add(real("r" + i));
      videos.add(fake("r" + i + "-a", "r" + i));
      videos.add(i % 5 == 0 ? fake("r" + i + "-b", "r" + i, "r" + (i + 1))
          : fake("r" + i + "-b", "r" + i));
    }
    return videos;
  }

  @Test
  void aFakeAndEveryVideoItWasMadeFromShareAFold() {
    List<LabelledVideo> videos = dataset();
    Map<String, Integer> folds = Folds.assign(videos, 5, 42);

    assertThat(folds).hasSize(videos.size());
    for (LabelledVideo video : videos) {
      for (String source : video.sources()) {
        assertThat(folds.get(video.id())).as(video.id()).isEqualTo(folds.get(source));
      }
    }
    // The swap r5-b joins r5's and r6's groups, and with them r6's fakes.
    assertThat(folds.get("r6-a")).isEqualTo(folds.get("r5"));
  }

  @Test
  void foldsAreBalancedAndDependOnTheSeedNotOnTheOrder() {
    List<LabelledVideo> videos = dataset();
    Map<String, Integer> folds = Folds.assign(videos, 5, 42);
    int[] sizes = new int[5];
    folds.values().forEach(f -> sizes[f]++);
    // 60 videos in groups of 3 and 6: every fold gets 12.
    assertThat(sizes).containsOnly(12);

    List<LabelledVideo> shuffled = new ArrayList<>(videos);
    Collections.reverse(shuffled);
    assertThat(Folds.assign(shuffled, 5, 42)).isEqualTo(folds);
    assertThat(Folds.assign(videos, 5, 43)).isNotEqualTo(folds);
  }
}
