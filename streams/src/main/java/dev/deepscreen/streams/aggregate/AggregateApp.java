package dev.deepscreen.streams.aggregate;

import dev.deepscreen.streams.app.StageRunner;

/**
 * The aggregation stage, as {@code deepscreen run aggregate} starts it: settings from
 * {@code --config} and {@code DEEPSCREEN_*} environment variables, exit codes as {@link
 * StageRunner} documents.
 */
public final class AggregateApp {

  /** The stage's runner, also used by the embedded mode and tests. */
  public static final StageRunner<AggregateConfig> RUNNER =
      new StageRunner<>("AggregateApp", AggregateConfig::new, AggregateTopology::build,
          AggregateTopology.INPUT_TOPICS);

  private AggregateApp() {}

}
