package dev.deepscreen.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Figures against values worked out by hand in the comments. */
class MetricsTest {

  static final double[] P = {0.9, 0.2, 0.6, 0.4, 0.8};
  static final int[] Y = {1, 0, 0, 1, 1};

  @Test
  void figuresOfFiveExamples() {
    Metrics m = Metrics.of(P, Y, 0.5, 1e-15);
    // -(ln 0.9 + ln 0.8 + ln 0.4 + ln 0.4 + ln 0.8) / 5
    assertThat(m.logLoss()).isCloseTo(0.4768458, within(1e-6));
    // Fakes 0.9, 0.4, 0.8 against reals 0.2, 0.6: 5 of 6 pairs ordered right.
    assertThat(m.auc()).isCloseTo(5.0 / 6, within(1e-12));
    // Called fake at 0.5: 0.9 (fake), 0.6 (real), 0.8 (fake); called real: 0.2, 0.4 (fake).
    assertThat(List.of(m.truePositives(), m.falsePositives(), m.trueNegatives(),
        m.falseNegatives())).containsExactly(2, 1, 1, 1);
    assertThat(m.accuracy()).isCloseTo(0.6, within(1e-12));
    assertThat(m.precision()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(m.recall()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(m.f1()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(m.count()).isEqualTo(5);
    assertThat(m.positives()).isEqualTo(3);
  }

  @Test
  void tiesCountHalfAndOneClassHasNoAuc() {
    assertThat(Metrics.auc(new double[] {0.5, 0.5}, new int[] {1, 0})).isEqualTo(0.5);
    assertThat(Metrics.auc(new double[] {0.3, 0.5, 0.5}, new int[] {0, 1, 0}))
        .isCloseTo(0.75, within(1e-12)); // (1 + 0.5) / 2
    assertThat(Metrics.auc(new double[] {0.3, 0.7}, new int[] {1, 1})).isNaN();
  }

  @Test
  void theLogLossIsClipped() {
    // A certain, wrong answer costs -ln(1e-15) = 34.5388 instead of infinity.
    assertThat(Metrics.logLoss(new double[] {0.0}, new int[] {1}, 1e-15))
        .isCloseTo(34.5388, within(1e-4));
    // At 0.01, the clipping some DFDC entries used: -ln(0.01) = 4.6052.
    assertThat(Metrics.logLoss(new double[] {1.0}, new int[] {0}, 0.01))
        .isCloseTo(4.6052, within(1e-4));
  }

  @Test
  void theRocCurveStepsThroughEachDistinctProbability() {
    assertThat(Metrics.roc(P, Y)).extracting(Metrics.RocPoint::falsePositiveRate,
        Metrics.RocPoint::truePositiveRate).containsExactly(
            org.assertj.core.groups.Tuple.tuple(0.0, 0.0),
            org.assertj.core.groups.Tuple.tuple(0.0, 1.0 / 3),
            org.assertj.core.groups.Tuple.tuple(0.0, 2.0 / 3),
            org.assertj.core.groups.Tuple.tuple(0.5, 2.0 / 3),
            org.assertj.core.groups.Tuple.tuple(0.5, 1.0),
            org.assertj.core.groups.Tuple.tuple(1.0, 1.0));
  }

  @Test
  void refusesMismatchedOrInvalidInput() {
    assertThatThrownBy(() -> Metrics.of(new double[] {0.5}, new int[] {1, 0}, 0.5, 1e-15))
        .hasMessageContaining("as many probabilities as labels");
    assertThatThrownBy(() -> Metrics.of(new double[] {1.5}, new int[] {1}, 0.5, 1e-15))
        .hasMessageContaining("in [0, 1]");
    assertThatThrownBy(() -> Metrics.of(new double[] {0.5}, new int[] {2}, 0.5, 1e-15))
        .hasMessageContaining("0 or 1");
  }
}
