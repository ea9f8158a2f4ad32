package dev.deepscreen.streams.score;

import dev.deepscreen.schemas.Topics;
import dev.deepscreen.streams.app.StageRunner;
import dev.deepscreen.core.inference.BuiltInEnsemble;
import dev.deepscreen.core.inference.Ensemble;
import dev.deepscreen.core.inference.InferenceOptions;
import dev.deepscreen.core.inference.ModelException;
import dev.deepscreen.core.inference.TensorFlowDevices;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.TensorFlow;

/**
 * The scoring stage, as {@code deepscreen run score} starts it: settings from {@code --config}
 * and {@code DEEPSCREEN_*} environment variables, exit codes as {@link StageRunner} documents;
 * an ensemble that is missing or does not match its manifest is an invalid setting (78).
 */
public final class ScoreApp {

  private static final Logger LOG = LoggerFactory.getLogger(ScoreApp.class);

  /** The stage's runner, also used by the embedded mode and tests. */
  public static final StageRunner<ScoreConfig> RUNNER = StageRunner.withSharedResource(
      "ScoreApp", ScoreConfig::new, ScoreApp::loadEnsemble, ScoreTopology::build, List.of());

  private ScoreApp() {}


  /**
   * Loads the configured ensemble (or the built-in one), after logging what TensorFlow runs on,
   * and logs which engine runs each model where, so that a scorer deployed to a GPU node says at
   * once whether it sees the GPU.
   *
   * @throws ConfigException if the ensemble cannot be loaded
   */
  public static Ensemble loadEnsemble(ScoreConfig config) {
    InferenceOptions options = config.inferenceOptions();
    String source = config.ensembleDirectory().map(Object::toString)
        .orElse("built-in (" + BuiltInEnsemble.RESOURCE + ")");
    try {
      LOG.info("TensorFlow {}: {}", TensorFlow.version(), options);
      List<TensorFlowDevices.Device> devices = TensorFlowDevices.list(options.configProto());
      devices.forEach(d -> LOG.info("TensorFlow device {} ({}{})", d.name(), d.type(),
          d.memoryBytes() > 0 ? ", " + d.memoryBytes() / (1 << 20) + " MiB" : ""));
      if (options.device() == InferenceOptions.Device.GPU
          && devices.stream().noneMatch(d -> d.type().equals("GPU"))) {
        LOG.warn("score.device is gpu but TensorFlow sees no GPU: the models run on the CPU."
            + " Is the distribution built with -Pgpu, and are CUDA 12.5 and cuDNN 9 installed?");
      }
      Ensemble ensemble = config.ensembleDirectory().map(dir -> Ensemble.load(dir, options))
          .orElseGet(() -> BuiltInEnsemble.load(options));
      LOG.info("Ensemble {} from {}: {}", ensemble.version(), source, ensemble.members().stream()
          .map(m -> m.spec().name() + " (" + m.spec().inputSize() + "px, weight "
              + m.spec().weight() + ", " + m.model().engine() + ")").toList());
      if (options.device() == InferenceOptions.Device.GPU) {
        ensemble.members().stream().filter(m -> m.model().engine().contains("(CPU"))
            .forEach(m -> LOG.warn("score.device is gpu but model {} runs on the CPU: {}. Is the"
                + " distribution built with -Pgpu, and are CUDA 12 and cuDNN 9 installed?",
                m.spec().name(), m.model().engine()));
      }
      return ensemble;
    } catch (ModelException e) {
      throw new ConfigException(ScoreConfig.ENSEMBLE_DIR_CONFIG, source, e.getMessage());
    }
  }

}
