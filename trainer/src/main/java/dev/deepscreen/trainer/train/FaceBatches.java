package dev.deepscreen.trainer.train;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import dev.deepscreen.core.inference.FacePreprocessor;
import dev.deepscreen.core.media.FaceBlender;
import dev.deepscreen.core.media.FaceBox;
import dev.deepscreen.trainer.Seeds;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * Turns stored face crops into network batches: reads the JPEG, self-blends it into a fake
 * when the sample says so, applies the augmentation (if any) and normalises with the scoring
 * stage's own {@link FacePreprocessor}, so training and scoring prepare a face identically. A
 * distilling run's teacher gets the same prepared face, at its own input.
 */
public final class FaceBatches {

  /**
   * One training face: its crop file, target (0 real, 1 fake), video, the face box inside the
   * crop (null if unknown) and whether it is to be self-blended into a fake first.
   */
  public record Sample(Path file, float target, String videoId, FaceBox faceInCrop,
      boolean selfBlend) {

    /** A face used as it is. */
    public Sample(Path file, float target, String videoId) {
      this(file, target, videoId, null, false);
    }

    /** The fake this real face becomes by self-blending. */
    public Sample selfBlended() {
      if (faceInCrop == null) {
        throw new IllegalStateException("Self-blending needs the face box in the crop");
      }
      return new Sample(file, 1f, videoId, faceInCrop, true);
    }
  }

  private final FacePreprocessor preprocessor;
  private final CropTransform transform;

  /** @param transform the augmentation, or null for none */
  public FaceBatches(int inputSize, CropTransform transform) {
    this.preprocessor = new FacePreprocessor(inputSize, FacePreprocessor.IMAGENET_MEAN,
        FacePreprocessor.IMAGENET_STD);
    this.transform = transform;
  }

  /**
   * The normalised images of {@code samples}; the caller closes the tensor. Sample {@code i}
   * is augmented with the random stream {@code (seed, epoch, first + i)}.
   */
  public TFloat32 images(List<Sample> samples, long seed, long epoch, long first) {
    return images(samples, seed, epoch, first, null);
  }

  /**
   * The normalised images of {@code samples}, each face also written, as it is prepared, into
   * the teacher's inputs when there is a teacher; the caller closes the tensor.
   *
   * @param teacher the teacher's inputs of this batch, or null
   */
  public TFloat32 images(List<Sample> samples, long seed, long epoch, long first,
      Teacher.Inputs teacher) {
    int size = preprocessor.inputSize();
    TFloat32 batch = TFloat32.tensorOf(Shape.of(samples.size(), size, size, 3));
    try {
      for (int i = 0; i < samples.size(); i++) {
        Path file = samples.get(i).file();
        try (Mat crop = imread(file.toString(), IMREAD_COLOR)) {
          if (crop.empty()) {
            throw new IllegalStateException("Cannot read the face crop " + file
                + "; preprocess again into a new cache");
          }
          Sample sample = samples.get(i);
          if (sample.selfBlend()) {
            FaceBlender.selfBlend(crop, sample.faceInCrop(),
                Seeds.random(seed, 0x5B1, epoch, first + i));
          }
          if (transform == null) {
            write(crop, batch, i, teacher);
          } else {
            try (Mat augmented = transform.apply(crop,
                Seeds.random(seed, 0xA06, epoch, first + i))) {
              write(augmented, batch, i, teacher);
            }
          }
        }
      }
      return batch;
    } catch (RuntimeException e) {
      batch.close();
      throw e;
    }
  }

  private void write(Mat face, TFloat32 batch, int index, Teacher.Inputs teacher) {
    preprocessor.write(face, batch, index);
    if (teacher != null) {
      teacher.add(index, face);
    }
  }

  /** The targets of {@code samples}. */
  public static TFloat32 targets(List<Sample> samples) {
    float[] targets = new float[samples.size()];
    for (int i = 0; i < targets.length; i++) {
      targets[i] = samples.get(i).target();
    }
    return TFloat32.vectorOf(targets);
  }
}
