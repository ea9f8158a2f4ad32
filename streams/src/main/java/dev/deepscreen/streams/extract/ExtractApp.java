package dev.deepscreen.streams.extract;

import dev.deepscreen.streams.app.StageRunner;
import java.util.List;

/**
 * Runs the extraction stage: {@code ExtractApp [settings.properties]}, with {@code DEEPSCREEN_*}
 * environment variables overriding the file. Exit codes as {@link StageRunner} documents.
 */
public final class ExtractApp {

  /** The stage's runner, also used by the embedded mode and tests. */
  public static final StageRunner<ExtractConfig> RUNNER =
      new StageRunner<>("ExtractApp", ExtractConfig::new, ExtractTopology::build, List.of());

  private ExtractApp() {}

  public static void main(String[] args) {
    System.exit(RUNNER.run(args, System.getenv(), System.err));
  }
}
