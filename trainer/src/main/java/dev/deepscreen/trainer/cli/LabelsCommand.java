package dev.deepscreen.trainer.cli;

import dev.deepscreen.trainer.data.ReviewLabels;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "labels", description = {
    "Turns reviewers' decisions into a labelled data set in the CSV layout preprocess reads:"
        + " BLOCK is FAKE, ALLOW is REAL, ESCALATE is left out, and the latest decision on an"
        + " event wins. The decisions are JSON Lines as the review-decisions S3 sink writes them"
        + " (for example a folder synced with 'aws s3 sync s3://deepscreen-audit/topics/"
        + "review-decisions/ decisions/').",
    "Videos are read where the decisions' URIs say: file: URIs directly, other URIs through"
        + " --map PREFIX=FOLDER."})
final class LabelsCommand implements Callable<Integer> {
  @ParentCommand
  TrainerCli cli;

  @Option(names = "--decisions", required = true, split = ",", paramLabel = "PATH",
      description = "JSON Lines files, or folders searched for .json and .jsonl files.")
  List<Path> decisions;

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "The data set's CSV file to write (then: preprocess --dataset FILE).")
  Path out;

  @Option(names = "--map", paramLabel = "PREFIX=FOLDER",
      description = "Reads the videos whose URI starts with PREFIX from FOLDER, for example"
          + " s3://uploads/=/data/uploads. Repeatable.")
  Map<String, Path> map = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    ReviewLabels.Summary summary = new ReviewLabels(map).export(decisions, out);
    for (String problem : summary.problems().stream().limit(20).toList()) {
      cli.out.println("skipped: " + problem);
    }
    if (summary.problems().size() > 20) {
      cli.out.println("skipped: ... and " + (summary.problems().size() - 20) + " more");
    }
    cli.out.printf("%d labels (%d FAKE, %d REAL) from %d decisions; %d escalated, %d without a"
        + " readable video; wrote %s%n", summary.fake() + summary.real(), summary.fake(),
        summary.real(), summary.decisions(), summary.escalated(), summary.skipped(), out);
    return 0;
  }
}
