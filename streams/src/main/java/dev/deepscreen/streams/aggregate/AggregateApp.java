package dev.deepscreen.streams.aggregate;

import dev.deepscreen.streams.app.StageRunner;

/**
 * Runs the aggregation stage: {@code AggregateApp [settings.properties]}, with {@code
 * DEEPSCREEN_*} environment variables overriding the file. Exit codes as {@link StageRunner}
 * documents.
 */
public final class AggregateApp {

  /** The stage's runner, also used by the embedded mode and tests. */
  public static final StageRunner<AggregateConfig> RUNNER =
      new StageRunner<>("AggregateApp", AggregateConfig::new, AggregateTopology::build,
          AggregateTopology.INPUT_TOPICS);

  private AggregateApp() {}

  public static void main(String[] args) {
    System.exit(RUNNER.run(args, System.getenv(), System.err));
  }
}
