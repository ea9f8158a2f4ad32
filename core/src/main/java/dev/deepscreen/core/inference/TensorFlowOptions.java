package dev.deepscreen.core.inference;

import java.util.Locale;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;

/**
 * How TensorFlow sessions run: on which kind of device, and with how many threads.
 *
 * <p>{@link Device#CPU} hides every GPU from the sessions, so a scorer built with the GPU natives
 * can still be pinned to the CPU. {@link Device#GPU} lets TensorFlow place operations on the GPU
 * (falling back to the CPU for operations without a GPU kernel) and turns on memory growth, so
 * that a scorer takes GPU memory as its batches need it instead of all of it at start-up, and
 * several processes can share one GPU.
 *
 * @param device where operations run
 * @param intraOpThreads threads inside one operation (a convolution); 0 lets TensorFlow choose
 *     (one per core)
 * @param interOpThreads operations run in parallel; 0 lets TensorFlow choose
 * @param logDevicePlacement whether TensorFlow logs the device of every operation when a graph is
 *     first run (verbose; for checking that a model really runs on the GPU)
 */
public record TensorFlowOptions(Device device, int intraOpThreads, int interOpThreads,
    boolean logDevicePlacement) {

  /** The kind of device sessions use. */
  public enum Device {
    CPU, GPU;

    /** Parses {@code cpu} or {@code gpu}, in any case. */
    public static Device parse(String name) {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }
  }

  /** TensorFlow's defaults on the CPU. */
  public static final TensorFlowOptions CPU_DEFAULTS = new TensorFlowOptions(Device.CPU, 0, 0,
      false);

  public TensorFlowOptions {
    if (device == null) {
      throw new IllegalArgumentException("device is required");
    }
    if (intraOpThreads < 0 || interOpThreads < 0) {
      throw new IllegalArgumentException("thread counts must be 0 (TensorFlow's choice) or more");
    }
  }

  /** The session configuration these options stand for. */
  public ConfigProto configProto() {
    ConfigProto.Builder config = ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(intraOpThreads)
        .setInterOpParallelismThreads(interOpThreads)
        .setLogDevicePlacement(logDevicePlacement)
        .setAllowSoftPlacement(true);
    if (device == Device.CPU) {
      config.putDeviceCount("GPU", 0);
    } else {
      config.setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true));
    }
    return config.build();
  }

  @Override
  public String toString() {
    return "device=" + device.name().toLowerCase(Locale.ROOT)
        + (device == Device.GPU ? " (memory growth on)" : "")
        + ", intra-op threads=" + (intraOpThreads == 0 ? "auto" : intraOpThreads)
        + ", inter-op threads=" + (interOpThreads == 0 ? "auto" : interOpThreads)
        + ", log device placement=" + logDevicePlacement;
  }
}
