package dev.deepscreen.trainer.augment;

import dev.deepscreen.trainer.train.CropTransform;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A pipeline of augmentations, each applied with its probability in order; a step may also pick
 * one of several augmentations. The reference's training pipeline is {@link #reference(int)}.
 * The same random stream gives the same result: every step draws its decision whether it
 * applies or not, so one step's choice never shifts another's draws.
 */
public final class Augmenter implements CropTransform {

  /** One step: apply one of {@code choices} (uniformly) with probability {@code p}. */
  public record Step(String name, double p, List<Augmentation> choices) {
    public Step {
      choices = List.copyOf(choices);
      if (!(p >= 0 && p <= 1) || choices.isEmpty()) {
        throw new IllegalArgumentException("A step needs p in [0, 1] and an augmentation");
      }
    }
  }

  private final List<Step> steps;

  public Augmenter(List<Step> steps) {
    this.steps = List.copyOf(steps);
  }

  /**
   * The DFDC winner's pipeline for a network input of {@code size}: JPEG compression q60-100
   * (0.5), Gaussian noise (0.1), Gaussian blur (0.05), horizontal flip (0.5), isotropic resize
   * with one of three interpolation pairs (1), pad to square (1), one of brightness-contrast,
   * FancyPCA or hue-saturation (0.7), to-gray (0.2), shift-scale-rotate (0.5), and a cut-out of
   * a face part (0.3).
   */
  public static Augmenter reference(int size) {
    List<Step> steps = new ArrayList<>();
    steps.add(new Step("image compression", 0.5, List.of(Augmentations.imageCompression())));
    steps.add(new Step("gaussian noise", 0.1, List.of(Augmentations.gaussianNoise())));
    steps.add(new Step("gaussian blur", 0.05, List.of(Augmentations.gaussianBlur())));
    steps.add(new Step("horizontal flip", 0.5, List.of(Augmentations.horizontalFlip())));
    steps.add(new Step("isotropic resize", 1, List.of(Augmentations.isotropicResize(size))));
    steps.add(new Step("pad to square", 1, List.of(Augmentations.padToSquare(size))));
    steps.add(new Step("colour", 0.7, List.of(Augmentations.brightnessContrast(),
        Augmentations.fancyPca(), Augmentations.hueSaturationValue())));
    steps.add(new Step("to gray", 0.2, List.of(Augmentations.toGray())));
    steps.add(new Step("shift scale rotate", 0.5, List.of(Augmentations.shiftScaleRotate())));
    steps.add(new Step("face cut-out", 0.3, List.of(Augmentations.faceCutout())));
    return new Augmenter(steps);
  }

  public List<Step> steps() {
    return steps;
  }

  @Override
  public Mat apply(Mat bgr, SplittableRandom random) {
    Mat current = bgr.clone();
    for (Step step : steps) {
      // Each step gets its own stream split off in order: draws never leak between steps.
      SplittableRandom stepRandom = random.split();
      boolean applies = Augmentations.chance(stepRandom, step.p());
      Augmentation choice = step.choices().get(stepRandom.nextInt(step.choices().size()));
      if (applies) {
        Mat next = choice.apply(current, stepRandom);
        current.close();
        current = next;
      }
    }
    return current;
  }
}
