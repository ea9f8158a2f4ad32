package dev.deepscreen.trainer.cli;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deepscreen.core.inference.Ensemble;
import dev.deepscreen.core.inference.FaceBatch;
import dev.deepscreen.core.inference.InferenceOptions;
import dev.deepscreen.core.inference.ScoreOutput;
import dev.deepscreen.core.strategy.EnsembleModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.bytedeco.opencv.opencv_core.Mat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "predict", description = {
    "Scores face images (crops of one face each, as the extraction stage makes them) with an"
        + " ensemble folder, preprocessed exactly as the scoring stage does, and prints one JSON"
        + " line per image: each model's logit and probability, and the ensemble's probability"
        + " (the weighted mean of the models'). An image that cannot be read gets a line with"
        + " its error, and the command exits with 1."})
final class PredictCommand implements Callable<Integer> {
  @ParentCommand
  TrainerCli cli;

  @Option(names = "--ensemble", required = true,
      description = "Ensemble folder (ensemble.json and its models), as export or import"
          + " writes it.")
  Path ensemble;

  @Option(names = "--batch-size", defaultValue = "8",
      description = "Faces per model call (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--threads", defaultValue = "0",
      description = "Threads per model call (TensorFlow and ONNX Runtime), 0 for one per core"
          + " (default: ${DEFAULT-VALUE}).")
  int threads;

  @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Face images (JPEG, PNG...).")
  List<Path> images;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Integer call() throws Exception {
    if (batchSize < 1) {
      throw new IllegalArgumentException("--batch-size must be at least 1: " + batchSize);
    }
    boolean failed = false;
    try (Ensemble loaded = Ensemble.load(ensemble,
        InferenceOptions.of(InferenceOptions.Device.GPU, threads, 1))) {
      for (int start = 0; start < images.size(); start += batchSize) {
        List<Path> chunk = images.subList(start, Math.min(images.size(), start + batchSize));
        // One line per image, in the order given: an unreadable image's error in its place.
        String[] lines = new String[chunk.size()];
        List<Mat> faces = new ArrayList<>();
        List<Integer> read = new ArrayList<>();
        try {
          for (int i = 0; i < chunk.size(); i++) {
            try {
              faces.add(decode(chunk.get(i)));
              read.add(i);
            } catch (IOException | IllegalArgumentException e) {
              failed = true;
              lines[i] = JSON.writeValueAsString(JSON.createObjectNode()
                  .put("image", chunk.get(i).toString()).put("error", e.getMessage()));
            }
          }
          if (!faces.isEmpty()) {
            float[][] logits = score(loaded, faces);
            for (int j = 0; j < read.size(); j++) {
              lines[read.get(j)] = line(loaded, chunk.get(read.get(j)), logits, j);
            }
          }
        } finally {
          faces.forEach(Mat::close);
        }
        for (String line : lines) {
          cli.out.println(line);
        }
      }
    }
    return failed ? TrainerCli.FAILED : 0;
  }

  private static Mat decode(Path image) throws IOException {
    if (!Files.isRegularFile(image)) {
      throw new IOException("no such file");
    }
    Mat face;
    try (Mat bytes = new Mat(Files.readAllBytes(image))) {
      face = imdecode(bytes, IMREAD_COLOR);
    }
    if (face.empty()) {
      face.close();
      throw new IllegalArgumentException("not an image OpenCV can decode");
    }
    return face;
  }

  /** The logits of every face, {@code [model][face]}. */
  private static float[][] score(Ensemble ensemble, List<Mat> faces) {
    List<Ensemble.Member> members = ensemble.members();
    float[][] logits = new float[members.size()][];
    for (int m = 0; m < members.size(); m++) {
      Ensemble.Member member = members.get(m);
      FaceBatch batch = member.newBatch(faces.size());
      for (int i = 0; i < faces.size(); i++) {
        member.preprocessor().write(faces.get(i), batch, i);
      }
      logits[m] = member.model().logits(batch);
    }
    return logits;
  }

  /** The JSON line of face {@code index} of a batch scored into {@code logits}. */
  private static String line(Ensemble ensemble, Path image, float[][] logits, int index)
      throws IOException {
    List<EnsembleModel> models = ensemble.models();
    ObjectNode line = JSON.createObjectNode().put("image", image.toString());
    ArrayNode perModel = line.putArray("models");
    double[] probabilities = new double[models.size()];
    for (int m = 0; m < models.size(); m++) {
      float logit = logits[m][index];
      probabilities[m] = ScoreOutput.probability(logit);
      perModel.addObject().put("name", models.get(m).name()).put("logit", logit)
          .put("probability", probabilities[m]);
    }
    line.put("probability", EnsembleModel.weightedMean(models, probabilities));
    return JSON.writeValueAsString(line);
  }
}
