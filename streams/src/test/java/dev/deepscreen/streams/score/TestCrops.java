package dev.deepscreen.streams.score;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import dev.deepscreen.avro.BoundingBox;
import dev.deepscreen.avro.FaceCrop;
import dev.deepscreen.core.media.FaceBox;
import dev.deepscreen.core.media.FaceCropper;
import dev.deepscreen.core.media.FacePhotos;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/** Face crops as the extraction stage writes them, cut from the real face photos. */
public final class TestCrops {

  private TestCrops() {}

  /** JPEG crops of every labelled face of the photos, at {@code size} pixels. */
  public static List<byte[]> realFaces(int size) {
    FaceCropper cropper = new FaceCropper(size, 0.3);
    List<byte[]> jpegs = new ArrayList<>();
    for (Map.Entry<String, List<FaceBox>> photo : FacePhotos.labelledFaces().entrySet()) {
      try (Mat image = FacePhotos.read(photo.getKey())) {
        for (FaceBox face : photo.getValue()) {
          try (Mat crop = cropper.crop(image, face)) {
            jpegs.add(jpeg(crop));
          }
        }
      }
    }
    return jpegs;
  }

  /** A JPEG of one flat colour, BGR. */
  public static byte[] flat(int size, int blue, int green, int red) {
    try (Mat image = new Mat(size, size, org.bytedeco.opencv.global.opencv_core.CV_8UC3,
        new Scalar(blue, green, red, 0))) {
      return jpeg(image);
    }
  }

  public static byte[] jpeg(Mat image) {
    try (BytePointer out = new BytePointer()) {
      if (!imencode(".jpg", image, out)) {
        throw new IllegalStateException("JPEG encoding failed");
      }
      byte[] bytes = new byte[(int) out.limit()];
      out.get(bytes);
      return bytes;
    }
  }

  /** A crop record of event {@code eventId} holding {@code jpeg}, declared {@code size} square. */
  public static FaceCrop crop(UUID eventId, int frame, int face, byte[] jpeg, int size) {
    return FaceCrop.newBuilder().setEventId(eventId).setVideoId("video-" + eventId)
        .setFrameIndex(frame).setFrameTimeMs(frame * 40L).setFaceIndex(face).setTrackId(face)
        .setBox(new BoundingBox(10, 20, 30, 40)).setDetectorScore(0.9f)
        .setCropJpeg(ByteBuffer.wrap(jpeg)).setCropWidth(size).setCropHeight(size)
        .setExtractedAt(Instant.parse("2026-11-21T08:00:00Z")).build();
  }
}
