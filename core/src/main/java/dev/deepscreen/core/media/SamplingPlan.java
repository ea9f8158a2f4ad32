package dev.deepscreen.core.media;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Which frames of a video to decode, planned from its video packets as the demuxer reads them
 * (in decode order) before anything is decoded.
 *
 * <p>The sampled frames are {@link FrameSampling#indices} of the packet count, counted in display
 * order, as the reference counts the frames its reader returns. When every packet has a
 * presentation timestamp and no two share one, a frame's display index is the rank of its
 * timestamp, known before decoding. Then the decoder can be told which packets are not sampled:
 * it may drop those that no other frame refers to (B-frames, mostly) without decoding them;
 * where a keyframe lies between the decoder's position and the next sampled frame, the packets
 * before the keyframe are not decoded at all; and reading stops after the last sampled packet.
 * Frames that are decoded come out the same, so the sampled pixels do not change.
 *
 * <p>Otherwise (timestamps missing or repeated, as in some AVI files), every frame is decoded
 * and the decoder's output is counted, as the reference does.
 */
final class SamplingPlan {

  /** The video packets' timestamps and keyframe flags, in decode order. */
  static final class Packets {
    private long[] pts = new long[1024];
    private boolean[] key = new boolean[1024];
    private int count;

    void add(long presentationTime, boolean keyframe) {
      if (count == pts.length) {
        pts = Arrays.copyOf(pts, count * 2);
        key = Arrays.copyOf(key, count * 2);
      }
      pts[count] = presentationTime;
      key[count] = keyframe;
      count++;
    }

    int count() {
      return count;
    }
  }

  private final int[] indices;
  private final boolean byTimestamp;
  // Only when by timestamp, all indexed by decode position:
  private final int[] rank;
  private final boolean[] sampled;
  private final int[] nextSampled;
  private final int[] lowestRankAhead;
  private final int[] keyframeAtOrBefore;
  private final Map<Long, Integer> indexByPts = new HashMap<>();
  private final int lastSampledPacket;

  private SamplingPlan(Packets packets, int frames, long missingPts, boolean skipUnsampled) {
    int count = packets.count;
    this.indices = FrameSampling.indices(count, frames);
    long[] pts = Arrays.copyOf(packets.pts, count);
    long[] sorted = pts.clone();
    Arrays.sort(sorted);
    boolean usable = skipUnsampled && count > 0;
    for (int i = 0; usable && i < count; i++) {
      usable = sorted[i] != missingPts && (i == 0 || sorted[i] != sorted[i - 1]);
    }
    this.byTimestamp = usable;
    if (!usable) {
      rank = null;
      sampled = null;
      nextSampled = null;
      lowestRankAhead = null;
      keyframeAtOrBefore = null;
      lastSampledPacket = -1;
      return;
    }
    rank = new int[count];
    boolean[] keyframe = packets.key;
    sampled = new boolean[count];
    boolean[] sampledRank = new boolean[count];
    for (int index : indices) {
      sampledRank[index] = true;
    }
    int last = -1;
    for (int i = 0; i < count; i++) {
      rank[i] = Arrays.binarySearch(sorted, pts[i]);
      sampled[i] = sampledRank[rank[i]];
      if (sampled[i]) {
        indexByPts.put(pts[i], rank[i]);
        last = i;
      }
    }
    lastSampledPacket = last;
    keyframeAtOrBefore = new int[count];
    for (int i = 0; i < count; i++) {
      keyframeAtOrBefore[i] = keyframe[i] ? i : (i == 0 ? -1 : keyframeAtOrBefore[i - 1]);
    }
    nextSampled = new int[count + 1];
    lowestRankAhead = new int[count + 1];
    nextSampled[count] = count;
    lowestRankAhead[count] = Integer.MAX_VALUE;
    for (int i = count - 1; i >= 0; i--) {
      nextSampled[i] = sampled[i] ? i : nextSampled[i + 1];
      lowestRankAhead[i] = sampled[i] ? Math.min(rank[i], lowestRankAhead[i + 1])
          : lowestRankAhead[i + 1];
    }
  }

  /**
   * @param packets the video packets, in decode order
   * @param frames frames wanted
   * @param missingPts the value that stands for a missing timestamp ({@code AV_NOPTS_VALUE})
   * @param skipUnsampled whether frames that are not sampled may be left undecoded; false
   *     decodes every frame and counts the decoder's output
   */
  static SamplingPlan of(Packets packets, int frames, long missingPts, boolean skipUnsampled) {
    return new SamplingPlan(packets, frames, missingPts, skipUnsampled);
  }

  /** The sampled display indices, ascending. */
  int[] indices() {
    return indices.clone();
  }

  /** Whether frames are identified by timestamp, so that unsampled ones may be skipped. */
  boolean byTimestamp() {
    return byTimestamp;
  }

  /** Whether the packet at this decode position holds a sampled frame (by timestamp only). */
  boolean sampledPacket(int position) {
    return sampled[position];
  }

  /** Whether no sampled frame's packet lies at or after this decode position (by timestamp). */
  boolean nothingSampledFrom(int position) {
    return position > lastSampledPacket;
  }

  /** The display index of the frame with this timestamp if it is sampled, else -1. */
  int sampledIndexOf(long pts) {
    Integer index = indexByPts.get(pts);
    return index == null ? -1 : index;
  }

  /**
   * Where decoding may continue instead of at {@code position}: the keyframe closest before the
   * next sampled packet, when no sampled frame still to come is shown before it (an open GOP's
   * leading frames need what lies before the keyframe) and at least {@code minSkipped} packets
   * lie in between (each jump empties the decoder, which costs its pipeline).
   *
   * @return the keyframe's decode position, or -1 to decode on from {@code position}
   */
  int jumpTarget(int position, int minSkipped) {
    if (!byTimestamp || position >= rank.length) {
      return -1;
    }
    int next = nextSampled[position];
    if (next >= rank.length) {
      return -1;
    }
    int lowest = lowestRankAhead[position];
    for (int k = keyframeAtOrBefore[next]; k >= 0 && k - position >= Math.max(1, minSkipped);
        k = k == 0 ? -1 : keyframeAtOrBefore[k - 1]) {
      if (rank[k] <= lowest) {
        return k;
      }
    }
    return -1;
  }
}
