package dev.deepscreen.trainer.bench;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.OperatingSystemMXBean;
import dev.deepscreen.core.inference.Ensemble;
import dev.deepscreen.core.inference.FaceBatch;
import dev.deepscreen.core.inference.InferenceOptions;
import dev.deepscreen.trainer.cli.TrainerCliRunner;
import java.lang.management.ManagementFactory;
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
 * prepared batch of the three fixture faces (the model time only: preprocessing is the same
 * shared code for both). At each batch size the engines take turns call by call, as the scorer
 * calls the members of an ensemble on a batch, so that a change of the machine's load during the
 * measurement falls on both alike and each engine runs after the other one's call, as in the
 * scorer. Besides crops per second of each engine's summed call time, the median call and the
 * process's CPU time per crop of each engine's calls: on a shared machine the CPU time varies
 * less than the wall time, and it counts threads that wait by spinning. Run by {@code
 * trainer/bench/engines.sh}. Not a test.
 *
 * <p>Arguments: seconds per measurement (the two engines' calls in turn take twice that), device
 * (cpu or gpu), intra-op threads of both engines (0: each engine's default), batch sizes.
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
      System.out.println("batch  engine            crops/s  median ms  CPU ms/crop");
      for (int size : batches) {
        List<Ensemble.Member> members = ensemble.members();
        List<FaceBatch> prepared = List.of(batch(members.get(0), faces, size),
            batch(members.get(1), faces, size));
        Calls[] calls = measure(members, prepared, seconds);
        for (int m = 0; m < 2; m++) {
          System.out.printf(Locale.ROOT, "%5d  %-15s %9.2f %10.1f %12.1f%n", size,
              members.get(m).spec().name(), calls[m].cropsPerSecond(size),
              calls[m].medianMillis(), calls[m].cpuMillisPerCrop(size));
        }
        System.out.printf(Locale.ROOT, "%5d  onnx/tensorflow %9.2f %10.2f %12.2f%n", size,
            calls[1].cropsPerSecond(size) / calls[0].cropsPerSecond(size),
            calls[1].medianMillis() / calls[0].medianMillis(),
            calls[1].cpuMillisPerCrop(size) / calls[0].cpuMillisPerCrop(size));
      }
    }
  }

  /** One engine's timed calls: wall and process CPU nanoseconds of each. */
  private static final class Calls {
    private final List<Long> wall = new ArrayList<>();
    private long cpu;

    double cropsPerSecond(int size) {
      return wall.size() * size / (wall.stream().mapToLong(Long::longValue).sum() / 1e9);
    }

    double medianMillis() {
      List<Long> sorted = new ArrayList<>(wall);
      sorted.sort(null);
      return sorted.get(sorted.size() / 2) / 1e6;
    }

    double cpuMillisPerCrop(int size) {
      return cpu / 1e6 / wall.size() / size;
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

  /**
   * Two warm-up calls of each, then the engines' calls in turn until twice {@code seconds} have
   * passed (and each engine has run at least 3 times).
   */
  private static Calls[] measure(List<Ensemble.Member> members, List<FaceBatch> batches,
      double seconds) {
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory
        .getOperatingSystemMXBean();
    for (int warmUp = 0; warmUp < 2; warmUp++) {
      for (int m = 0; m < 2; m++) {
        members.get(m).model().logits(batches.get(m));
      }
    }
    Calls[] calls = {new Calls(), new Calls()};
    long start = System.nanoTime();
    while (System.nanoTime() - start < 2 * seconds * 1e9 || calls[0].wall.size() < 3) {
      for (int m = 0; m < 2; m++) {
        long cpu = os.getProcessCpuTime();
        long wall = System.nanoTime();
        members.get(m).model().logits(batches.get(m));
        calls[m].wall.add(System.nanoTime() - wall);
        calls[m].cpu += os.getProcessCpuTime() - cpu;
      }
    }
    return calls;
  }
}
