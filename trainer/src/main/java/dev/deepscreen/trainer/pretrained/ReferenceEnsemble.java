package dev.deepscreen.trainer.pretrained;

import java.net.URI;
import java.util.List;

/**
 * The DFDC winner's published ensemble (selimsef/dfdc_deepfake_challenge, release 0.0.1): seven
 * {@code DeepFakeClassifier} checkpoints, EfficientNet-B7 (timm's {@code tf_efficientnet_b7_ns})
 * with a one-logit head, trained at 380 pixels with different seeds, averaged with equal weights.
 * The files are PyTorch's legacy format, their state dicts prefixed {@code module.}.
 */
public final class ReferenceEnsemble {

  /** The preset's name on the command line. */
  public static final String PRESET = "dfdc-reference";

  /** The release the files are published in. */
  public static final String RELEASE_URL =
      "https://github.com/selimsef/dfdc_deepfake_challenge/releases/download/0.0.1/";

  /** The version the imported ensemble carries unless told otherwise. */
  public static final String VERSION = "dfdc-reference-0.0.1";

  /**
   * One checkpoint of the ensemble.
   *
   * @param file its file name in the release
   * @param name its model name in the imported ensemble
   */
  public record Checkpoint(String file, String name) {
    /** Where the release publishes it. */
    public URI uri() {
      return URI.create(RELEASE_URL + file);
    }
  }

  /** The seven checkpoints, in the order of the reference's download script. */
  public static final List<Checkpoint> CHECKPOINTS = List.of(
      new Checkpoint("final_111_DeepFakeClassifier_tf_efficientnet_b7_ns_0_36", "b7-111-36"),
      new Checkpoint("final_555_DeepFakeClassifier_tf_efficientnet_b7_ns_0_19", "b7-555-19"),
      new Checkpoint("final_777_DeepFakeClassifier_tf_efficientnet_b7_ns_0_29", "b7-777-29"),
      new Checkpoint("final_777_DeepFakeClassifier_tf_efficientnet_b7_ns_0_31", "b7-777-31"),
      new Checkpoint("final_888_DeepFakeClassifier_tf_efficientnet_b7_ns_0_37", "b7-888-37"),
      new Checkpoint("final_888_DeepFakeClassifier_tf_efficientnet_b7_ns_0_40", "b7-888-40"),
      new Checkpoint("final_999_DeepFakeClassifier_tf_efficientnet_b7_ns_0_23", "b7-999-23"));

  private ReferenceEnsemble() {}
}
