package dev.deepscreen.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EpochRecordTest {

  @Test
  void aLogRowKeepsItsNumberFormats() {
    EpochRecord record = new EpochRecord(3, 120, 0.00125, 0.6931471, Double.NaN, 0.5, 0.75,
        12.34);

    assertThat(record.csvCells()).containsExactly("3", "120", "0.00125000", "0.693147", "NaN",
        "0.500000", "0.750000", "12.3");
    assertThat(EpochRecord.CSV_HEADER).containsExactly("epoch", "steps", "learning_rate",
        "train_loss", "validation_loss", "validation_auc", "validation_accuracy", "seconds");
    assertThat(record.csvCells()).hasSameSizeAs(EpochRecord.CSV_HEADER);
  }
}
