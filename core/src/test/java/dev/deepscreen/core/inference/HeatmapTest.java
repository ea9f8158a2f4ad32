package dev.deepscreen.core.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HeatmapTest {

  @Test
  void quantisingKeepsEveryCellWithinHalfAStepOfItsValue() {
    Random random = new Random(17);
    float[] values = new float[7 * 5];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextFloat() * 3.7f;
    }
    Heatmap heatmap = Heatmap.quantise(values, 7, 5);

    float largest = 0;
    for (float v : values) {
      largest = Math.max(largest, v);
    }
    assertThat(heatmap.max()).isEqualTo(largest);
    assertThat(heatmap.cells()).hasSize(35);
    for (int y = 0; y < 5; y++) {
      for (int x = 0; x < 7; x++) {
        assertThat(heatmap.value(x, y)).as("cell (%d, %d)", x, y)
            .isCloseTo(values[y * 7 + x], org.assertj.core.data.Offset.offset(largest / 510f
                + 1e-6f));
      }
    }
    int peak = 0;
    for (int i = 1; i < values.length; i++) {
      peak = values[i] > values[peak] ? i : peak;
    }
    assertThat(heatmap.cell(peak % 7, peak / 7)).isEqualTo(255);
  }

  @Test
  void rowMajorCellsAndARectifiedScale() {
    Heatmap heatmap = Heatmap.quantise(new float[] {-2f, 0f, 1f, 4f, Float.NaN, 2f}, 3, 2);

    assertThat(heatmap.max()).isEqualTo(4f);
    assertThat(heatmap.cell(0, 0)).isZero();
    assertThat(heatmap.cell(2, 0)).isEqualTo(64);
    assertThat(heatmap.cell(0, 1)).isEqualTo(255);
    assertThat(heatmap.cell(1, 1)).isZero();
    assertThat(heatmap.cell(2, 1)).isEqualTo(128);
    assertThat(Heatmap.quantise(new float[] {-1f, -3f}, 2, 1))
        .isEqualTo(new Heatmap(2, 1, new byte[2], 0f));
  }

  @Test
  void aGridOfTheWrongSizeIsRefused() {
    assertThatThrownBy(() -> Heatmap.quantise(new float[5], 2, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("A 2x3 heatmap has 6 cells, not 5");
    assertThatThrownBy(() -> new Heatmap(2, 2, new byte[4], Float.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("A heatmap's maximum is finite and >= 0, not NaN");
    assertThatThrownBy(() -> Heatmap.quantise(new float[4], 2, 2).cell(2, 0))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
