package dev.deepscreen.streams.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deepscreen.avro.BoundingBox;
import dev.deepscreen.avro.FaceEvidence;
import dev.deepscreen.avro.FaceScore;
import dev.deepscreen.avro.FrameScore;
import dev.deepscreen.avro.Heatmap;
import dev.deepscreen.avro.ModelScore;
import dev.deepscreen.avro.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/** The evidence the verdict's top frames carry for a reviewer: faces, boxes, heatmaps. */
class VerdictEvidenceTest {

  private static VerdictFactory factory(int topFrames) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", "broker:9092");
    props.put("schema.registry.url", "http://registry:8081");
    props.put(AggregateConfig.TOP_FRAMES_CONFIG, topFrames);
    return VerdictFactory.of(new AggregateConfig(props));
  }

  /** A face of {@code frame} whose models say {@code p}, with a box and grids of {@code side}. */
  private static FaceScore face(String event, int frame, int face, int models, int side,
      double p) {
    FaceScore base = Events.score(event, frame, face, face + 1, p);
    List<ModelScore> scores = new ArrayList<>();
    for (int m = 0; m < models; m++) {
      byte[] cells = new byte[side * side];
      cells[(frame + face + m) % cells.length] = (byte) 255;
      scores.add(new ModelScore("model-" + m, p, 1.0,
          new Heatmap(side, side, ByteBuffer.wrap(cells), (float) (p * 4))));
    }
    return FaceScore.newBuilder(base).setModelScores(scores)
        .setBox(new BoundingBox(10 * face, 20 * frame, 64, 80)).build();
  }

  @Test
  void topFramesCarryTheirMostSuspiciousFacesWithBoxTrackProbabilityAndHeatmaps() {
    String event = Events.newId();
    List<FaceScore> scores = new ArrayList<>();
    double[][] probabilities = {{0.1, 0.2}, {0.3, 0.9, 0.6}, {0.25}};
    for (int frame = 0; frame < probabilities.length; frame++) {
      for (int f = 0; f < probabilities[frame].length; f++) {
        scores.add(face(event, frame, f, 2, 8, probabilities[frame][f]));
      }
    }
    Verdict verdict = factory(2).decide(Events.summary(event, scores.size()), scores, false,
        Events.SUBMITTED.toEpochMilli());

    assertThat(verdict.getTopFrames()).extracting(FrameScore::getFrameIndex)
        .containsExactly(1, 2);
    List<FaceEvidence> frame1 = verdict.getTopFrames().get(0).getEvidence();
    assertThat(frame1).extracting(FaceEvidence::getFaceIndex).containsExactly(1, 2, 0);
    assertThat(frame1).extracting(FaceEvidence::getProbability)
        .containsExactly(0.9, 0.6, 0.3);
    FaceEvidence suspicious = frame1.get(0);
    FaceScore source = scores.get(3);
    assertThat(suspicious.getTrackId()).isEqualTo(2);
    assertThat(suspicious.getBox()).isEqualTo(new BoundingBox(10, 20, 64, 80));
    assertThat(suspicious.getModelScores()).isEqualTo(source.getModelScores());
    assertThat(suspicious.getModelScores().get(1).getHeatmap().getCells().get(3))
        .isEqualTo((byte) 255);
    assertThat(verdict.getTopFrames().get(1).getEvidence()).singleElement()
        .extracting(FaceEvidence::getFaceIndex).isEqualTo(0);
    assertThat(verdict.getTimeline()).extracting(FrameScore::getEvidence).containsOnlyNulls();
  }

  @Test
  void scoresWithoutHeatmapsOrBoxesGiveEvidenceWithoutThem() {
    String event = Events.newId();
    List<FaceScore> scores = List.of(Events.score(event, 4, 0, null, 0.8, 0.6));
    Verdict verdict = factory(5).decide(Events.summary(event, 1), scores, false,
        Events.SUBMITTED.toEpochMilli());

    FaceEvidence face = verdict.getTopFrames().get(0).getEvidence().get(0);
    assertThat(face.getBox()).isNull();
    assertThat(face.getTrackId()).isNull();
    assertThat(face.getProbability()).isCloseTo(0.7, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(face.getModelScores()).extracting(ModelScore::getHeatmap).containsOnlyNulls();
  }

  @Test
  void aCrowdedLongVideoGivesAVerdictWellUnder64KiB() throws IOException {
    String event = Events.newId();
    List<FaceScore> scores = new ArrayList<>();
    // 300 frames of 30 faces, three models with 12x12 grids (a 380-pixel EfficientNet).
    for (int frame = 0; frame < 300; frame++) {
      for (int f = 0; f < 30; f++) {
        scores.add(face(event, frame, f, 3, 12, ((frame * 31 + f * 7) % 97) / 100.0));
      }
    }
    Verdict verdict = factory(50).decide(Events.summary(event, scores.size()), scores, false,
        Events.SUBMITTED.toEpochMilli());

    assertThat(verdict.getTopFrames()).hasSize(50);
    assertThat(verdict.getTopFrames().subList(0, VerdictFactory.EVIDENCE_FRAMES))
        .allSatisfy(frame -> assertThat(frame.getEvidence())
            .hasSize(VerdictFactory.EVIDENCE_FACES_PER_FRAME));
    assertThat(verdict.getTopFrames().subList(VerdictFactory.EVIDENCE_FRAMES, 50))
        .extracting(FrameScore::getEvidence).containsOnlyNulls();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new SpecificDatumWriter<Verdict>(Verdict.getClassSchema()).write(verdict, encoder);
    encoder.flush();
    assertThat(bytes.size()).isLessThan(32 * 1024);
  }
}
