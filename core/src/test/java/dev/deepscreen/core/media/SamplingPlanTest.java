package dev.deepscreen.core.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SamplingPlanTest {

  private static final long NO_PTS = Long.MIN_VALUE;

  private static SamplingPlan plan(long[] pts, boolean[] key, int frames) {
    SamplingPlan.Packets packets = new SamplingPlan.Packets();
    for (int i = 0; i < pts.length; i++) {
      packets.add(pts[i], key[i]);
    }
    return SamplingPlan.of(packets, frames, NO_PTS, true);
  }

  private static boolean[] keyframesAt(int count, int... positions) {
    boolean[] key = new boolean[count];
    for (int position : positions) {
      key[position] = true;
    }
    return key;
  }

  @Test
  void framesAreCountedInDisplayOrderWhileThePacketsComeInDecodeOrder() {
    // I P B B P B B, as a B-frame encoder stores them: each P before the Bs shown ahead of it.
    long[] pts = {0, 3, 1, 2, 6, 4, 5};
    SamplingPlan plan = plan(pts, keyframesAt(7, 0), 3);

    assertThat(plan.byTimestamp()).isTrue();
    assertThat(plan.indices()).containsExactly(0, 3, 6);
    assertThat(IntStream.range(0, 7).filter(plan::sampledPacket).toArray())
        .containsExactly(0, 1, 4);
    assertThat(plan.sampledIndexOf(3)).isEqualTo(3);
    assertThat(plan.sampledIndexOf(6)).isEqualTo(6);
    assertThat(plan.sampledIndexOf(2)).isEqualTo(-1);
    assertThat(plan.nothingSampledFrom(4)).isFalse();
    assertThat(plan.nothingSampledFrom(5)).isTrue();
  }

  @Test
  void timestampsThatStartLateOrLeaveGapsStillRankFromZero() {
    long[] pts = {1000, 4000, 2000, 3000, 7000, 5000, 6000};
    SamplingPlan plan = plan(pts, keyframesAt(7, 0), 3);
    assertThat(plan.sampledIndexOf(4000)).isEqualTo(3);
    assertThat(plan.sampledIndexOf(7000)).isEqualTo(6);
  }

  @Test
  void missingOrRepeatedTimestampsFallBackToDecodingEveryFrame() {
    assertThat(plan(new long[] {0, NO_PTS, 2}, keyframesAt(3, 0), 2).byTimestamp()).isFalse();
    assertThat(plan(new long[] {0, 1, 1, 3}, keyframesAt(4, 0), 2).byTimestamp()).isFalse();
    SamplingPlan.Packets packets = new SamplingPlan.Packets();
    packets.add(0, true);
    packets.add(1, false);
    SamplingPlan everyFrame = SamplingPlan.of(packets, 2, NO_PTS, false);
    assertThat(everyFrame.byTimestamp()).isFalse();
    assertThat(everyFrame.indices()).containsExactly(0, 1);
  }

  @Test
  void decodingJumpsToTheLastKeyframeBeforeTheNextSampledFrame() {
    // 100 frames without reordering, a keyframe every 10; 3 sampled: 0, 49, 99.
    long[] pts = IntStream.range(0, 100).asLongStream().toArray();
    SamplingPlan plan = plan(pts, keyframesAt(100, 0, 10, 20, 30, 40, 50, 60, 70, 80, 90), 3);
    assertThat(plan.indices()).containsExactly(0, 49, 99);

    assertThat(plan.jumpTarget(0, 4)).isEqualTo(-1); // frame 0 is sampled itself
    assertThat(plan.jumpTarget(1, 4)).isEqualTo(40);
    assertThat(plan.jumpTarget(37, 4)).isEqualTo(-1); // 3 packets to skip: not worth it
    assertThat(plan.jumpTarget(50, 4)).isEqualTo(90);
    assertThat(plan.jumpTarget(1, 45)).isEqualTo(-1);
  }

  @Test
  void noJumpToAKeyframeWhoseLeadingFramesAreSampled() {
    // An open GOP: the keyframe at decode position 10 (pts 20) is followed by ten frames shown
    // before it (pts 10 to 19), which need the frames before the keyframe to decode right.
    long[] pts = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 20, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
    boolean[] key = keyframesAt(21, 0, 10);

    SamplingPlan ends = plan(pts, key, 2); // frames 0 and 20: the keyframe itself
    assertThat(ends.jumpTarget(1, 4)).isEqualTo(10);

    SamplingPlan middle = plan(pts, key, 3); // frames 0, 10 and 20; 10 is a leading frame
    assertThat(middle.indices()).containsExactly(0, 10, 20);
    assertThat(middle.sampledPacket(11)).isTrue();
    assertThat(middle.jumpTarget(1, 4)).isEqualTo(-1);
  }
}
