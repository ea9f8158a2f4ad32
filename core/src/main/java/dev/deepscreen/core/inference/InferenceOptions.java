package dev.deepscreen.core.inference;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Locale;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;

/**
 * How the engines run the models of an ensemble: on which kind of device, and with how many
 * threads. One device setting serves both engines.
 *
 * <p>{@link Device#CPU} hides every GPU from TensorFlow and gives ONNX Runtime only its CPU
 * provider, so a scorer built with the GPU natives can still be pinned to the CPU. {@link
 * Device#GPU} lets TensorFlow place operations on the GPU (falling back to the CPU for
 * operations without a GPU kernel) with memory growth, so that a scorer takes GPU memory as its
 * batches need it and several processes can share one GPU; and gives ONNX Runtime the CUDA
 * execution provider first (its arena also grows as needed), its CPU provider taking the rest.
 * Where the build or the machine has no CUDA, both engines run on the CPU, and each model says so
 * in {@link FaceClassifier#engine()}.
 *
 * @param device where models run
 * @param tensorFlowThreads TensorFlow's thread pools
 * @param onnxThreads ONNX Runtime's thread pools (inter-op threads only matter to models run in
 *     parallel mode; sessions run sequentially)
 * @param logDevicePlacement whether TensorFlow logs the device of every operation when a graph
 *     is first run (verbose; for checking that a model really runs on the GPU)
 * @param onnxCpu how ONNX Runtime runs on the CPU: spinning threads, faces per call
 */
public record InferenceOptions(Device device, Threads tensorFlowThreads, Threads onnxThreads,
    boolean logDevicePlacement, OnnxCpu onnxCpu) {

  /** The kind of device sessions use. */
  public enum Device {
    CPU, GPU;

    /** Parses {@code cpu} or {@code gpu}, in any case. */
    public static Device parse(String name) {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }
  }

  /**
   * An engine's thread pools.
   *
   * @param intraOp threads inside one operation (a convolution); 0 lets the engine choose (one
   *     per core)
   * @param interOp operations run in parallel; 0 lets the engine choose
   */
  public record Threads(int intraOp, int interOp) {
    /** The engine's own choice for both. */
    public static final Threads AUTO = new Threads(0, 0);

    public Threads {
      if (intraOp < 0 || interOp < 0) {
        throw new IllegalArgumentException("thread counts must be 0 (the engine's choice) or"
            + " more");
      }
    }

    @Override
    public String toString() {
      return "intra-op threads=" + (intraOp == 0 ? "auto" : intraOp)
          + ", inter-op threads=" + (interOp == 0 ? "auto" : interOp);
    }
  }

  /**
   * How ONNX Runtime works on the CPU. Both defaults were measured on EfficientNet-B0 at 380
   * pixels (BENCHMARKS.md, "Engines"); a deployment with cores of its own, or another model, may
   * measure otherwise with {@code trainer/bench/engines.sh}.
   *
   * @param spinning whether idle worker threads busy-wait for the next operation. Off by
   *     default: spinning takes the cores from every other thread (TensorFlow's in a mixed
   *     ensemble, the other stream threads, other processes); on 2 shared cores it cost 1.1 to 2
   *     times the CPU per crop and slowed the TensorFlow model called next. It pays only at batch
   *     1 with ONNX Runtime alone on idle cores (about 25% less latency there).
   * @param facesPerCall the most faces of a batch one session call takes on the CPU; a larger
   *     batch runs in several calls. 0 (the default) sizes it by the input: as many faces as
   *     make 380 x 380 x 3 values, at least one (one face at 380 pixels, two at 224, 35 at 64).
   *     ONNX Runtime's CPU kernels cost more per face as the batch grows: around operators
   *     without a kernel for its blocked layout it rewrites whole activations into and out of
   *     that layout, and runs activations such as SiLU as passes of their own, and a batch of
   *     large faces makes those tensors outgrow the caches: B0 at 380 ran its batch of 8 1.3 to
   *     1.4 times faster as 8 calls of one face. A GPU always takes the whole batch in one call.
   */
  public record OnnxCpu(boolean spinning, int facesPerCall) {
    /** Input values one call takes when {@link #facesPerCall} is 0. */
    static final long AUTO_VALUES_PER_CALL = 380L * 380 * 3;

    /** No spinning; faces per call sized by the input. */
    public static final OnnxCpu DEFAULTS = new OnnxCpu(false, 0);

    public OnnxCpu {
      if (facesPerCall < 0) {
        throw new IllegalArgumentException("faces per call must be 0 (sized by the input) or"
            + " more");
      }
    }

    /** Faces per session call on the CPU for faces of {@code size} pixels: at least one. */
    public int facesPerCall(int size) {
      return facesPerCall > 0 ? facesPerCall
          : (int) Math.max(1, AUTO_VALUES_PER_CALL / ((long) size * size * 3));
    }

    @Override
    public String toString() {
      return "spinning=" + (spinning ? "on" : "off") + ", faces per CPU call="
          + (facesPerCall == 0 ? "by input size" : facesPerCall);
    }
  }

  /** The engines' defaults on the CPU. */
  public static final InferenceOptions CPU_DEFAULTS = new InferenceOptions(Device.CPU,
      Threads.AUTO, Threads.AUTO, false);

  public InferenceOptions {
    if (device == null || tensorFlowThreads == null || onnxThreads == null || onnxCpu == null) {
      throw new IllegalArgumentException("device, thread counts and ONNX CPU options are"
          + " required");
    }
  }

  /** With ONNX Runtime's CPU defaults. */
  public InferenceOptions(Device device, Threads tensorFlowThreads, Threads onnxThreads,
      boolean logDevicePlacement) {
    this(device, tensorFlowThreads, onnxThreads, logDevicePlacement, OnnxCpu.DEFAULTS);
  }

  /** The same thread counts for both engines. */
  public static InferenceOptions of(Device device, int intraOpThreads, int interOpThreads) {
    Threads threads = new Threads(intraOpThreads, interOpThreads);
    return new InferenceOptions(device, threads, threads, false);
  }

  /** TensorFlow's session configuration for these options. */
  public ConfigProto configProto() {
    ConfigProto.Builder config = ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(tensorFlowThreads.intraOp())
        .setInterOpParallelismThreads(tensorFlowThreads.interOp())
        .setLogDevicePlacement(logDevicePlacement)
        .setAllowSoftPlacement(true);
    if (device == Device.CPU) {
      config.putDeviceCount("GPU", 0);
    } else {
      config.setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true));
    }
    return config.build();
  }

  /**
   * ONNX Runtime's session options for these options, without an execution provider (the ONNX
   * engine adds CUDA where {@link #device} asks for it and the build has it); the caller closes
   * them once the session is made.
   */
  public OrtSession.SessionOptions onnxSessionOptions() throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    try {
      if (onnxThreads.intraOp() > 0) {
        options.setIntraOpNumThreads(onnxThreads.intraOp());
      }
      if (onnxThreads.interOp() > 0) {
        options.setInterOpNumThreads(onnxThreads.interOp());
      }
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      // ONNX Runtime spins by default; see OnnxCpu#spinning for why we do not.
      String spinning = onnxCpu.spinning() ? "1" : "0";
      options.addConfigEntry("session.intra_op.allow_spinning", spinning);
      options.addConfigEntry("session.inter_op.allow_spinning", spinning);
      return options;
    } catch (OrtException | RuntimeException e) {
      options.close();
      throw e;
    }
  }

  @Override
  public String toString() {
    return "device=" + device.name().toLowerCase(Locale.ROOT)
        + (device == Device.GPU ? " (memory growth on)" : "")
        + ", TensorFlow " + tensorFlowThreads + ", ONNX Runtime " + onnxThreads + ", "
        + onnxCpu + ", log device placement=" + logDevicePlacement;
  }
}
