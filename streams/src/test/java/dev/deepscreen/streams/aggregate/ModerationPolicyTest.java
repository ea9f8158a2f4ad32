package dev.deepscreen.streams.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deepscreen.avro.Label;
import dev.deepscreen.avro.ModerationAction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModerationPolicyTest {

  private static final ModerationPolicy DEFAULTS = new ModerationPolicy(0.4, 0.7, 0.5);

  @ParameterizedTest
  @CsvSource({"0.0, ALLOW", "0.3999, ALLOW", "0.4, REVIEW", "0.5, REVIEW", "0.7, REVIEW",
      "0.7001, BLOCK", "1.0, BLOCK"})
  void actionFollowsTheBounds(double probability, ModerationAction expected) {
    assertThat(DEFAULTS.action(probability)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"0.0, REAL", "0.4999, REAL", "0.5, FAKE", "1.0, FAKE"})
  void labelIsFakeFromTheThresholdUp(double probability, Label expected) {
    assertThat(DEFAULTS.label(probability)).isEqualTo(expected);
  }

  @Test
  void theReferenceAnswerForUnreadableVideosIsReviewed() {
    assertThat(DEFAULTS.action(0.5)).isEqualTo(ModerationAction.REVIEW);
  }

  @Test
  void equalBoundsLeaveOnlyTheBoundItselfForReview() {
    ModerationPolicy policy = new ModerationPolicy(0.6, 0.6, 0.6);
    assertThat(policy.action(0.59)).isEqualTo(ModerationAction.ALLOW);
    assertThat(policy.action(0.6)).isEqualTo(ModerationAction.REVIEW);
    assertThat(policy.action(0.61)).isEqualTo(ModerationAction.BLOCK);
  }

  @Test
  void boundsOutOfOrderOrRangeAreRefused() {
    assertThatThrownBy(() -> new ModerationPolicy(0.8, 0.7, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("allowBelow (0.8) must not be above blockAbove (0.7)");
    assertThatThrownBy(() -> new ModerationPolicy(0.4, 1.2, 0.5))
        .hasMessage("blockAbove must be in [0, 1]: 1.2");
  }
}
