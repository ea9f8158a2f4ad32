package dev.deepscreen.trainer.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The networks the trainer builds: a small CNN for CPUs and EfficientNet B0 to B7 with the
 * paper's width and depth coefficients, nominal input resolution and dropout rate. Every one
 * ends in one logit per face: positive means fake.
 */
public enum Architecture {
  SMALL("small", 0, 0, 128, 0.2f),
  EFFICIENTNET_B0("efficientnet-b0", 1.0, 1.0, 224, 0.2f),
  EFFICIENTNET_B1("efficientnet-b1", 1.0, 1.1, 240, 0.2f),
  EFFICIENTNET_B2("efficientnet-b2", 1.1, 1.2, 260, 0.3f),
  EFFICIENTNET_B3("efficientnet-b3", 1.2, 1.4, 300, 0.3f),
  EFFICIENTNET_B4("efficientnet-b4", 1.4, 1.8, 380, 0.4f),
  EFFICIENTNET_B5("efficientnet-b5", 1.6, 2.2, 456, 0.4f),
  EFFICIENTNET_B6("efficientnet-b6", 1.8, 2.6, 528, 0.5f),
  EFFICIENTNET_B7("efficientnet-b7", 2.0, 3.1, 600, 0.5f);

  private final String id;
  private final double width;
  private final double depth;
  private final int resolution;
  private final float dropout;

  Architecture(String id, double width, double depth, int resolution, float dropout) {
    this.id = id;
    this.width = width;
    this.depth = depth;
    this.resolution = resolution;
    this.dropout = dropout;
  }

  /** The name used on the command line and in run files: small, efficientnet-b0, ... */
  public String id() {
    return id;
  }

  /** The input side the architecture was designed for (the reference trained B7 at 380). */
  public int resolution() {
    return resolution;
  }

  /**
   * One logit per image of {@code images} ({@code [batch, size, size, 3]}, normalised), shape
   * {@code [batch]}.
   */
  public Operand<TFloat32> logits(Layers layers, Operand<TFloat32> images) {
    return this == SMALL ? SmallCnn.logits(layers, images, dropout)
        : EfficientNet.logits(layers, images, width, depth, dropout);
  }

  /** Whether this is one of EfficientNet B0 to B7. */
  public boolean isEfficientNet() {
    return this != SMALL;
  }

  /**
   * The MBConv blocks of an EfficientNet, in order.
   *
   * @throws IllegalStateException for the small CNN
   */
  public List<EfficientNet.Block> blocks() {
    return EfficientNet.blocks(efficientNetWidth(), depth);
  }

  /** The channels of an EfficientNet's stem convolution. */
  public int stemChannels() {
    return EfficientNet.stemChannels(efficientNetWidth());
  }

  /** The channels of an EfficientNet's head convolution: the features the logit reads. */
  public int headChannels() {
    return EfficientNet.headChannels(efficientNetWidth());
  }

  private double efficientNetWidth() {
    if (!isEfficientNet()) {
      throw new IllegalStateException(id + " is not an EfficientNet");
    }
    return width;
  }

  /**
   * Parses an id such as {@code efficientnet-b4}, or {@code b4}.
   *
   * @throws IllegalArgumentException listing the ids
   */
  public static Architecture parse(String value) {
    String wanted = value.trim().toLowerCase(Locale.ROOT);
    for (Architecture a : values()) {
      if (a.id.equals(wanted) || a.id.equals("efficientnet-" + wanted)) {
        return a;
      }
    }
    throw new IllegalArgumentException("Unknown model '" + value + "'; use one of "
        + Arrays.stream(values()).map(Architecture::id).toList());
  }
}
