package dev.deepscreen.trainer.bench;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deepscreen.core.inference.Ensemble;
import dev.deepscreen.core.inference.FaceBatch;
import dev.deepscreen.core.inference.InferenceOptions;
import dev.deepscreen.trainer.cli.TrainerCliRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Crops per second of the same B0 classifier at 380 pixels through both engines, in one run:
 * the checkpoint fixture imported into a SavedModel (TensorFlow Java) and its {@code
 * torch.onnx.export} (ONNX Runtime), side by side in one mixed ensemble, each model called on a
 * prepared batch of the three fixture faces again and again (the model time only: preprocessing
 * is the same shared code for both). The engines take turns per batch size. Run by {@code
 * trainer/bench/engines.sh}. Not a test.
 *
 * <p>Arguments: seconds per measurement, device (cpu or gpu), intra-op threads of both engines
 * (0: each engine's default), batch sizes.
 */
public final class EngineBenchmark {

  private static final String FIXTURES = "trainer/src/test/resources/dev/deepscreen/trainer/"
      + "pretrained/";

  public static void main(String[] args) throws Exception {
    double seconds = Double.parseDouble(args[0]);
    InferenceOptions.Device device = InferenceOptions.Device.parse(args[1]);
    List<Integer> batches = new ArrayList<>();
    int threads = Integer.parseInt(args[2]);
    for (int i = 3; i < args.length; i++) {
      batches.add(Integer.parseInt(args[i]));
    }
    Path work = Files.createTempDirectory("engines-");
    Path folder = work.resolve("b0");
    TrainerCliRunner.Result imported = TrainerCliRunner.run("import", "--out", folder.toString(),
        "--version", "bench-b0", "--name", "tensorflow", FIXTURES + "deepfake-b0-legacy.pth");
    if (imported.exitCode() != 0) {
      throw new IllegalStateException(imported.err());
    }
    Files.copy(Path.of(FIXTURES, "deepfake-b0.onnx"), folder.resolve("b0.onnx"));
    Files.copy(Path.of(FIXTURES, "deepfake-b0-legacy.pth"),
        folder.resolve("deepfake-b0-legacy.pth"));
    ObjectMapper json = new ObjectMapper();
    ObjectNode manifest = (ObjectNode) json.readTree(folder.resolve("ensemble.json").toFile());
    ObjectNode onnx = ((ArrayNode) manifest.get("models")).addObject().put("name", "onnx")
        .put("format", "onnx").put("path", "b0.onnx").put("input_size", 380)
        .put("layout", "NCHW");
    onnx.putArray("mean").add(0.485).add(0.456).add(0.406);
    onnx.putArray("std").add(0.229).add(0.224).add(0.225);
    onnx.put("weight", 1.0);
    json.writeValue(folder.resolve("ensemble.json").toFile(), manifest);

    List<Path> faces = List.of(Path.of(FIXTURES, "face-1.png"), Path.of(FIXTURES, "face-2.png"),
        Path.of(FIXTURES, "face-3.png"));
    InferenceOptions options = InferenceOptions.of(device, threads, 0);
    System.out.printf(Locale.ROOT, "cores %d, %s, %.0f s per measurement%n",
        Runtime.getRuntime().availableProcessors(), options, seconds);
    try (Ensemble ensemble = Ensemble.load(folder, options)) {
      for (Ensemble.Member member : ensemble.members()) {
        System.out.println(member.spec().name() + ": " + member.model().engine());
      }
      float[] tf = ensemble.members().get(0).model().logits(batch(ensemble.members().get(0),
          faces, 3));
      float[] ort = ensemble.members().get(1).model().logits(batch(ensemble.members().get(1),
          faces, 3));
      double gap = 0;
      for (int i = 0; i < 3; i++) {
        gap = Math.max(gap, Math.abs(tf[i] - ort[i]));
      }
      System.out.printf(Locale.ROOT, "max |logit TensorFlow - logit ONNX Runtime| on the 3"
          + " faces: %.2e%n", gap);
      System.out.println("batch  engine         crops/s");
      for (int size : batches) {
        double[] rates = new double[2];
        for (int m = 0; m < 2; m++) {
          Ensemble.Member member = ensemble.members().get(m);
          rates[m] = measure(member, batch(member, faces, size), seconds);
          System.out.printf(Locale.ROOT, "%5d  %-12s %9.2f%n", size, member.spec().name(),
              rates[m]);
        }
        System.out.printf(Locale.ROOT, "%5d  onnx/tensorflow %6.2f%n", size, rates[1] / rates[0]);
      }
    }
  }

  private static FaceBatch batch(Ensemble.Member member, List<Path> faces, int size) {
    FaceBatch batch = member.newBatch(size);
    for (int i = 0; i < size; i++) {
      try (Mat face = imread(faces.get(i % faces.size()).toString(), IMREAD_COLOR)) {
        member.preprocessor().write(face, batch, i);
      }
    }
    return batch;
  }

  private static double measure(Ensemble.Member member, FaceBatch batch, double seconds) {
    for (int warmUp = 0; warmUp < 2; warmUp++) {
      member.model().logits(batch);
    }
    long start = System.nanoTime();
    long runs = 0;
    while (System.nanoTime() - start < seconds * 1e9 || runs < 3) {
      member.model().logits(batch);
      runs++;
    }
    return runs * batch.count() / ((System.nanoTime() - start) / 1e9);
  }
}
