package dev.deepscreen.streams.extract;

import dev.deepscreen.streams.app.StageRunner;
import java.util.List;

/**
 * The extraction stage, as {@code deepscreen run extract} starts it: settings from
 * {@code --config} and {@code DEEPSCREEN_*} environment variables, exit codes as {@link
 * StageRunner} documents.
 */
public final class ExtractApp {

  /** The stage's runner, also used by the embedded mode and tests. */
  public static final StageRunner<ExtractConfig> RUNNER =
      new StageRunner<>("ExtractApp", ExtractConfig::new, ExtractTopology::build, List.of());

  private ExtractApp() {}

}
