package dev.deepscreen.streams.cli;

import dev.deepscreen.streams.app.StageRunner;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code demo} where the distribution has no demo: the stage distribution and the stage images
 * carry no broker, Connect runtime or S3 store. Listed in the usage all the same, so that a user
 * learns where the demo is.
 */
@Command(name = "demo", description = {"Runs the whole pipeline in this process (a Kafka"
    + " broker, an S3-compatible store, the three stages and the S3 sink): the full distribution"
    + " only, for instance ./deepscreen demo in a clone. See its --help there."})
final class MissingDemoCommand implements Callable<Integer> {

  @Unmatched
  List<String> arguments;

  @Override
  public Integer call() {
    throw new CommandException(StageRunner.EXIT_FAILED, "This distribution runs the stages"
        + " only: it has no " + CommandExtensions.FOLDER + "/ with the demo's broker, Connect"
        + " worker and S3 store. The demo is in the full distribution: ./deepscreen demo in a"
        + " clone of the repository, or demo/target/deepscreen-<version>/bin/deepscreen of a"
        + " build.");
  }
}
