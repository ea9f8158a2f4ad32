package dev.deepscreen.trainer.data;

import dev.deepscreen.trainer.Seeds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Splits a data set into folds so that a fake and every video it was made from land in the same
 * fold: otherwise a model would be validated on the very faces it was trained on. Videos linked
 * through their sources (a fake, its original, and for swaps the donor's video and that video's
 * other fakes) form one group; groups are shuffled with the seed and dealt to the fold holding
 * the fewest videos so far, largest groups first.
 */
public final class Folds {
  private Folds() {}

  /**
   * The fold of every video, by id.
   *
   * @param count folds, at least 2
   */
  public static Map<String, Integer> assign(List<LabelledVideo> videos, int count, long seed) {
    if (count < 2) {
      throw new IllegalArgumentException("At least 2 folds are needed: " + count);
    }
    Map<String, String> parent = new HashMap<>();
    for (LabelledVideo video : videos) {
      parent.putIfAbsent(video.id(), video.id());
      for (String source : video.sources()) {
        parent.putIfAbsent(source, source);
        union(parent, video.id(), source);
      }
    }
    // Groups keyed by their smallest member id, so the result is independent of input order.
    Map<String, List<String>> groups = new TreeMap<>();
    for (LabelledVideo video : videos) {
      groups.computeIfAbsent(root(parent, video.id()), k -> new ArrayList<>()).add(video.id());
    }
    List<List<String>> ordered = new ArrayList<>(groups.values());
    ordered.forEach(Collections::sort);
    ordered.sort((a, b) -> a.get(0).compareTo(b.get(0)));
    Collections.shuffle(ordered, new Random(Seeds.mix(seed, 0xF01D)));
    // Stable sort: equal-sized groups keep their shuffled order.
    ordered.sort((a, b) -> Integer.compare(b.size(), a.size()));
    int[] sizes = new int[count];
    Map<String, Integer> folds = new HashMap<>();
    for (List<String> group : ordered) {
      int fold = 0;
      for (int f = 1; f < count; f++) {
        if (sizes[f] < sizes[fold]) {
          fold = f;
        }
      }
      sizes[fold] += group.size();
      for (String id : group) {
        folds.put(id, fold);
      }
    }
    return folds;
  }

  private static String root(Map<String, String> parent, String id) {
    String r = id;
    while (!parent.get(r).equals(r)) {
      r = parent.get(r);
    }
    // Path compression.
    String node = id;
    while (!parent.get(node).equals(r)) {
      String next = parent.get(node);
      parent.put(node, r);
      node = next;
    }
    return r;
  }

  private static void union(Map<String, String> parent, String a, String b) {
    String ra = root(parent, a);
    String rb = root(parent, b);
    if (!ra.equals(rb)) {
      // The smaller id becomes the root: deterministic group keys.
      if (ra.compareTo(rb) < 0) {
        parent.put(rb, ra);
      } else {
        parent.put(ra, rb);
      }
    }
  }
}
