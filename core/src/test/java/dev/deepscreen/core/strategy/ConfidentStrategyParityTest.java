package dev.deepscreen.core.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Parity with the reference written in numpy: the vectors come from
 * {@code src/test/python/confident_strategy_vectors.py}, committed as a test resource.
 */
class ConfidentStrategyParityTest {

  private static final double TOLERANCE = 1e-12;
  private static JsonNode vectors;

  @BeforeAll
  static void readVectors() throws IOException {
    try (InputStream in = ConfidentStrategyParityTest.class
        .getResourceAsStream("/strategy/confident_strategy_vectors.json")) {
      assertThat(in).as("vectors resource").isNotNull();
      vectors = new ObjectMapper().readTree(in);
    }
  }

  @Test
  void vectorsCoverEveryBranchAndTheBoundaries() {
    List<String> branches = stream(vectors.get("strategy")).map(c -> c.get("branch").asText())
        .toList();
    assertThat(branches).hasSizeGreaterThan(300)
        .contains("CONFIDENT_FAKE", "CONFIDENT_REAL", "MEAN_OF_ALL");
    assertThat(stream(vectors.get("strategy")).map(c -> c.get("name").asText()))
        .contains("sz32-11-fakes", "sz32-12-fakes", "sz32-13-fakes", "sz10-9-below",
            "sz32-13-at-t-not-fake", "sz10-all-at-0.2-not-real");
  }

  @Test
  void floorDivisionMatchesPython() {
    for (JsonNode pair : vectors.get("floor_div_2_5")) {
      int sz = pair.get(0).asInt();
      assertThat(ConfidentStrategy.pythonFloorDiv(sz, 2.5)).as("%d // 2.5", sz)
          .isEqualTo(pair.get(1).asDouble());
    }
    assertThat(ConfidentStrategy.pythonFloorDiv(32, 2.5)).isEqualTo(12.0);
  }

  @TestFactory
  Stream<DynamicTest> everyStrategyVectorMatchesNumpy() {
    return stream(vectors.get("strategy")).map(c -> DynamicTest.dynamicTest(
        c.get("name").asText(), () -> {
          StrategyResult result = ConfidentStrategy.apply(doubles(c.get("pred")),
              c.get("t").asDouble());
          assertThat(result.branch()).isEqualTo(Branch.valueOf(c.get("branch").asText()));
          assertThat(result.probability())
              .isCloseTo(c.get("expected").asDouble(), within(TOLERANCE));
          assertThat(result.faces()).isEqualTo(c.get("pred").size());
        }));
  }

  @TestFactory
  Stream<DynamicTest> everyEnsembleVectorMatchesNumpy() {
    return stream(vectors.get("ensemble")).map(c -> DynamicTest.dynamicTest(
        c.get("name").asText(), () -> {
          // The reference weighs its models equally.
          List<EnsembleModel> models = stream(c.get("models"))
              .map(n -> new EnsembleModel(n.asText(), 1.0)).toList();
          List<Face> faces = new ArrayList<>();
          c.get("faces").forEach(row -> faces.add(new Face(null, doubles(row))));
          VideoResult result = new EnsembleStrategy(Method.CONFIDENT, c.get("t").asDouble())
              .apply(models, faces);
          assertThat(result.probability())
              .isCloseTo(c.get("expected").asDouble(), within(TOLERANCE));
          for (int m = 0; m < models.size(); m++) {
            ModelOutcome outcome = result.models().get(m);
            assertThat(outcome.model()).isEqualTo(models.get(m).name());
            assertThat(outcome.result().branch())
                .isEqualTo(Branch.valueOf(c.get("branches").get(m).asText()));
            assertThat(outcome.result().probability())
                .isCloseTo(c.get("per_model").get(m).asDouble(), within(TOLERANCE));
          }
          assertThat(result.tracks()).isEmpty();
        }));
  }

  private static double[] doubles(JsonNode array) {
    return stream(array).mapToDouble(JsonNode::asDouble).toArray();
  }

  private static Stream<JsonNode> stream(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false);
  }
}
