package dev.deepscreen.trainer.synth;

import dev.deepscreen.core.media.ClipWriter.Codec;
import dev.deepscreen.core.media.FacePhotos;
import java.util.List;
import java.util.Objects;

/**
 * What the synthetic data set holds.
 *
 * @param seed the seed every random choice derives from
 * @param photos the face photos used, among {@link FacePhotos#NAMES}
 * @param testPhotos the photos whose clips form the {@code test} split; their people appear in
 *     no training clip, not even as swap donors
 * @param clipsPerFace real clips per face, each with its own camera path; each real clip gets
 *     one self-blended and one face-swapped fake
 * @param frames frames per clip
 * @param fps frame rate
 * @param frameSize side of the square frames, even
 * @param codec codec and container
 */
public record SynthSettings(long seed, List<String> photos, List<String> testPhotos,
    int clipsPerFace, int frames, double fps, int frameSize, Codec codec) {

  /** The data set the default ensemble is trained on. */
  public static final SynthSettings DEFAULTS = new SynthSettings(7, FacePhotos.NAMES,
      List.of("sample2.jpg", "sample6.jpg"), 4, 16, 15, 256, Codec.H264_MP4);

  public SynthSettings {
    photos = List.copyOf(photos);
    testPhotos = List.copyOf(testPhotos);
    Objects.requireNonNull(codec, "codec");
    for (String photo : photos) {
      if (!FacePhotos.NAMES.contains(photo)) {
        throw new IllegalArgumentException("Unknown photo " + photo + "; there are "
            + FacePhotos.NAMES);
      }
    }
    if (!photos.containsAll(testPhotos)) {
      throw new IllegalArgumentException("Test photos " + testPhotos + " must be among the"
          + " photos " + photos);
    }
    if (photos.isEmpty()) {
      throw new IllegalArgumentException("At least one photo is needed");
    }
    if (clipsPerFace < 1 || frames < 2 || !(fps > 0) || frameSize < 64 || frameSize > 1024
        || frameSize % 2 != 0) {
      throw new IllegalArgumentException("clipsPerFace >= 1, frames >= 2, fps > 0 and an even"
          + " frameSize in [64, 1024] are needed");
    }
  }
}
