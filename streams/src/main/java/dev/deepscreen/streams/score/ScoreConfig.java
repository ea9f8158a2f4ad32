package dev.deepscreen.streams.score;

import dev.deepscreen.avro.Stage;
import dev.deepscreen.streams.app.StageConfig;
import dev.deepscreen.core.inference.InferenceOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The scoring stage's settings ({@code score.*}) on top of those every stage shares: which
 * ensemble to run, how crops are batched, and how the engines (TensorFlow for SavedModels, ONNX
 * Runtime for ONNX models) run.
 */
public final class ScoreConfig extends StageConfig {

  public static final String APPLICATION_ID_DEFAULT = "deepscreen-score";

  public static final String ENSEMBLE_DIR_CONFIG = "score.ensemble.dir";
  private static final String ENSEMBLE_DIR_DOC = "Directory holding ensemble.json and the"
      + " models it names (SavedModels and ONNX files). Empty: the ensemble built into this distribution (a"
      + " demonstration model, see the README).";

  public static final String BATCH_MAX_SIZE_CONFIG = "score.batch.max.size";
  private static final String BATCH_MAX_SIZE_DOC = "Most crops scored in one model run. Larger"
      + " batches use a GPU better; each partition is batched on its own.";

  public static final String BATCH_MAX_WAIT_MS_CONFIG = "score.batch.max.wait.ms";
  private static final String BATCH_MAX_WAIT_MS_DOC = "Longest time (wall clock) a crop waits"
      + " for others to fill its batch before the batch is scored as it is. 0 scores every crop"
      + " as it comes.";

  public static final String DEVICE_CONFIG = "score.device";
  private static final String DEVICE_DOC = "cpu, or gpu to place the models on a GPU, for both"
      + " engines (needs the distribution built with the GPU natives, -Pgpu, and on the host"
      + " CUDA 12.5 with cuDNN 9 for TensorFlow, CUDA 12.x with cuDNN 9 for ONNX Runtime). With"
      + " gpu, GPU memory is taken as needed (memory growth); a model whose engine finds no GPU"
      + " runs on the CPU, and the stage logs it at start-up.";

  public static final String INTRA_OP_THREADS_CONFIG = "score.tf.intra.op.threads";
  private static final String INTRA_OP_THREADS_DOC = "TensorFlow threads inside one operation;"
      + " 0 lets TensorFlow use one per core.";

  public static final String INTER_OP_THREADS_CONFIG = "score.tf.inter.op.threads";
  private static final String INTER_OP_THREADS_DOC = "TensorFlow operations run in parallel;"
      + " 0 lets TensorFlow choose.";

  public static final String ONNX_INTRA_OP_THREADS_CONFIG = "score.onnx.intra.op.threads";
  private static final String ONNX_INTRA_OP_THREADS_DOC = "ONNX Runtime threads inside one"
      + " operation, per ONNX model; 0 lets ONNX Runtime use one per physical core.";

  public static final String ONNX_INTER_OP_THREADS_CONFIG = "score.onnx.inter.op.threads";
  private static final String ONNX_INTER_OP_THREADS_DOC = "ONNX Runtime threads running"
      + " operations in parallel, per ONNX model (used only by models run in parallel mode;"
      + " sessions run sequentially); 0 lets ONNX Runtime choose.";

  public static final String ONNX_SPINNING_CONFIG = "score.onnx.spinning";
  private static final String ONNX_SPINNING_DOC = "Whether ONNX Runtime's idle worker threads"
      + " busy-wait for the next operation. Off: spinning takes the cores from TensorFlow's"
      + " threads, the other stream threads and other processes; turn it on only where the"
      + " scorer has its cores to itself and batches of one dominate.";

  public static final String ONNX_CPU_FACES_PER_CALL_CONFIG = "score.onnx.cpu.faces.per.call";
  private static final String ONNX_CPU_FACES_PER_CALL_DOC = "The most faces of a batch one"
      + " ONNX Runtime call takes on the CPU; larger batches run in several calls. 0: sized by"
      + " the model's input, as many faces as make 380x380x3 values (one face at 380 pixels,"
      + " two at 224), where ONNX Runtime's CPU kernels cost least per face. On a GPU a batch"
      + " is always one call.";

  public static final String LOG_DEVICE_PLACEMENT_CONFIG = "score.tf.log.device.placement";
  private static final String LOG_DEVICE_PLACEMENT_DOC = "Whether TensorFlow logs the device of"
      + " every operation when a model first runs (verbose; to check a GPU deployment).";

  private static final ConfigDef CONFIG = stageConfigDef(APPLICATION_ID_DEFAULT)
      .define(ENSEMBLE_DIR_CONFIG, Type.STRING, "", Importance.HIGH, ENSEMBLE_DIR_DOC)
      .define(BATCH_MAX_SIZE_CONFIG, Type.INT, 32, Range.between(1, 1024), Importance.HIGH,
          BATCH_MAX_SIZE_DOC)
      .define(BATCH_MAX_WAIT_MS_CONFIG, Type.LONG, 100L, Range.between(0, 60_000),
          Importance.MEDIUM, BATCH_MAX_WAIT_MS_DOC)
      .define(DEVICE_CONFIG, Type.STRING, "cpu", ValidString.in("cpu", "gpu"), Importance.HIGH,
          DEVICE_DOC)
      .define(INTRA_OP_THREADS_CONFIG, Type.INT, 0, Range.between(0, 1024), Importance.LOW,
          INTRA_OP_THREADS_DOC)
      .define(INTER_OP_THREADS_CONFIG, Type.INT, 0, Range.between(0, 1024), Importance.LOW,
          INTER_OP_THREADS_DOC)
      .define(ONNX_SPINNING_CONFIG, Type.BOOLEAN, false, Importance.LOW, ONNX_SPINNING_DOC)
      .define(ONNX_CPU_FACES_PER_CALL_CONFIG, Type.INT, 0, Range.between(0, 4096),
          Importance.LOW, ONNX_CPU_FACES_PER_CALL_DOC)
      .define(ONNX_INTRA_OP_THREADS_CONFIG, Type.INT, 0, Range.between(0, 1024), Importance.LOW,
          ONNX_INTRA_OP_THREADS_DOC)
      .define(ONNX_INTER_OP_THREADS_CONFIG, Type.INT, 0, Range.between(0, 1024), Importance.LOW,
          ONNX_INTER_OP_THREADS_DOC)
      .define(LOG_DEVICE_PLACEMENT_CONFIG, Type.BOOLEAN, false, Importance.LOW,
          LOG_DEVICE_PLACEMENT_DOC);

  public ScoreConfig(Map<?, ?> props) {
    super(Stage.SCORE, CONFIG, props);
  }

  /** The definitions, for documentation. */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  /** The ensemble directory given, or empty for the built-in ensemble. */
  public Optional<Path> ensembleDirectory() {
    String dir = getString(ENSEMBLE_DIR_CONFIG).trim();
    return dir.isEmpty() ? Optional.empty() : Optional.of(Path.of(dir));
  }

  public int batchMaxSize() {
    return getInt(BATCH_MAX_SIZE_CONFIG);
  }

  public Duration batchMaxWait() {
    return Duration.ofMillis(getLong(BATCH_MAX_WAIT_MS_CONFIG));
  }

  /**
   * The crops waiting for a batch at a commit go to the buffer's changelog in large batches. A
   * stream thread with nothing to read blocks in its poll for {@code poll.ms} (100 ms by
   * default) and only then runs its wall-clock punctuations, so a partial batch would wait up to
   * that much past its maximum wait: the poll is kept to half the wait (10 ms at least).
   */
  @Override
  protected void addStreamsDefaults(Properties props) {
    addCropProducerDefaults(props);
    long maxWait = batchMaxWait().toMillis();
    if (maxWait > 0) {
      props.put(StreamsConfig.POLL_MS_CONFIG, Math.max(10, Math.min(100, maxWait / 2)));
    }
  }

  /** How both engines run the ensemble's models. */
  public InferenceOptions inferenceOptions() {
    return new InferenceOptions(InferenceOptions.Device.parse(getString(DEVICE_CONFIG)),
        new InferenceOptions.Threads(getInt(INTRA_OP_THREADS_CONFIG),
            getInt(INTER_OP_THREADS_CONFIG)),
        new InferenceOptions.Threads(getInt(ONNX_INTRA_OP_THREADS_CONFIG),
            getInt(ONNX_INTER_OP_THREADS_CONFIG)),
        getBoolean(LOG_DEVICE_PLACEMENT_CONFIG),
        new InferenceOptions.OnnxCpu(getBoolean(ONNX_SPINNING_CONFIG),
            getInt(ONNX_CPU_FACES_PER_CALL_CONFIG)));
  }
}
