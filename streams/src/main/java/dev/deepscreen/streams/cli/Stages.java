package dev.deepscreen.streams.cli;

import dev.deepscreen.streams.aggregate.AggregateApp;
import dev.deepscreen.streams.app.StageRunner;
import dev.deepscreen.streams.extract.ExtractApp;
import dev.deepscreen.streams.score.ScoreApp;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The stages this build has, by the name {@code deepscreen run} takes, in pipeline order. */
public final class Stages {

  /** The stages by name, in pipeline order. */
  public static final Map<String, StageRunner<?>> BY_NAME = byName();

  private Stages() {}

  private static Map<String, StageRunner<?>> byName() {
    Map<String, StageRunner<?>> stages = new LinkedHashMap<>();
    stages.put("extract", ExtractApp.RUNNER);
    stages.put("score", ScoreApp.RUNNER);
    stages.put("aggregate", AggregateApp.RUNNER);
    return Collections.unmodifiableMap(stages);
  }

  /** The names, in pipeline order. */
  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }
}
