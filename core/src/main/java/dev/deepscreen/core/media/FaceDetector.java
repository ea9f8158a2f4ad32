package dev.deepscreen.core.media;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImage;
import static org.bytedeco.opencv.global.opencv_dnn.readNetFromONNX;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_core.StringVector;
import org.bytedeco.opencv.opencv_dnn.Net;

/**
 * Finds faces with the Ultra-Light-Fast-Generic-Face-Detector (RFB-320, ONNX) through OpenCV's
 * DNN module. The network takes a 320x240 RGB image scaled to [-1, 1] and answers, for each of
 * its 4,420 anchor boxes, a face probability and a box already decoded to corners in [0, 1].
 * Candidates above the score threshold are kept after non-maximum suppression.
 *
 * <p>One instance owns its network's native memory and is not thread-safe: give each stream
 * thread its own, and close it.
 */
public final class FaceDetector implements AutoCloseable {

  /** The model shipped in this module, fetched by the build from the npm registry. */
  public static final String ULTRAFACE_RESOURCE =
      "/dev/deepscreen/core/models/ultraface-rfb-320.onnx";
  private static final int INPUT_WIDTH = 320;
  private static final int INPUT_HEIGHT = 240;

  /**
   * Detector settings.
   *
   * @param scoreThreshold least face probability kept, in (0, 1)
   * @param nmsIou overlap above which the weaker of two boxes is dropped, in (0, 1]
   * @param maxFaces most faces kept per image, the most confident first
   * @param minFaceSize smallest face side kept, in frame pixels
   */
  public record Settings(float scoreThreshold, float nmsIou, int maxFaces, int minFaceSize) {
    public static final Settings DEFAULTS = new Settings(0.7f, 0.4f, 16, 12);

    public Settings {
      if (!(scoreThreshold > 0 && scoreThreshold < 1)) {
        throw new IllegalArgumentException("scoreThreshold must be in (0, 1): " + scoreThreshold);
      }
      if (!(nmsIou > 0 && nmsIou <= 1)) {
        throw new IllegalArgumentException("nmsIou must be in (0, 1]: " + nmsIou);
      }
      if (maxFaces < 1 || minFaceSize < 1) {
        throw new IllegalArgumentException("maxFaces and minFaceSize must be at least 1");
      }
    }
  }

  private final Net net;
  private final StringVector outputNames;
  private final Settings settings;
  private boolean closed;

  private FaceDetector(Net net, Settings settings) {
    this.net = net;
    this.settings = settings;
    this.outputNames = new StringVector("scores", "boxes");
  }

  /** Loads the UltraFace RFB-320 model shipped with this module. */
  public static FaceDetector ultraFace(Settings settings) {
    byte[] model;
    try (InputStream in = FaceDetector.class.getResourceAsStream(ULTRAFACE_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("The face detector model " + ULTRAFACE_RESOURCE
            + " is not on the classpath; the build fetches it (mvn generate-resources)");
      }
      model = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the face detector model", e);
    }
    Net net = readNetFromONNX(model);
    if (net.empty()) {
      net.close();
      throw new IllegalStateException("OpenCV could not load the face detector model");
    }
    return new FaceDetector(net, settings);
  }

  /**
   * The faces in a BGR image, most confident first, in the image's pixel coordinates.
   *
   * @throws IllegalArgumentException if the image is not 8-bit, 3-channel
   */
  public List<FaceBox> detect(Mat bgr) {
    if (closed) {
      throw new IllegalStateException("the face detector is closed");
    }
    if (bgr.empty() || bgr.channels() != 3 || bgr.depth() != CV_8U) {
      throw new IllegalArgumentException("the detector takes a non-empty 8-bit BGR image");
    }
    List<FaceBox> candidates = new ArrayList<>();
    try (Size size = new Size(INPUT_WIDTH, INPUT_HEIGHT);
        Scalar mean = new Scalar(127, 127, 127, 0);
        Mat blob = blobFromImage(bgr, 1 / 128.0, size, mean, true, false, CV_32F);
        MatVector outputs = new MatVector()) {
      net.setInput(blob);
      net.forward(outputs, outputNames);
      try (Mat scores = outputs.get(0); Mat boxes = outputs.get(1);
          FloatIndexer s = scores.createIndexer(); FloatIndexer b = boxes.createIndexer()) {
        long anchors = scores.size(1);
        int width = bgr.cols();
        int height = bgr.rows();
        for (long i = 0; i < anchors; i++) {
          float score = s.get(0, i, 1);
          if (score < settings.scoreThreshold()) {
            continue;
          }
          int x1 = clamp(Math.round(b.get(0, i, 0) * width), width);
          int y1 = clamp(Math.round(b.get(0, i, 1) * height), height);
          int x2 = clamp(Math.round(b.get(0, i, 2) * width), width);
          int y2 = clamp(Math.round(b.get(0, i, 3) * height), height);
          if (x2 - x1 >= settings.minFaceSize() && y2 - y1 >= settings.minFaceSize()) {
            candidates.add(new FaceBox(x1, y1, x2 - x1, y2 - y1, score));
          }
        }
      }
    }
    return suppressNonMaxima(candidates);
  }

  private List<FaceBox> suppressNonMaxima(List<FaceBox> candidates) {
    candidates.sort(Comparator.comparingDouble(FaceBox::score).reversed());
    List<FaceBox> kept = new ArrayList<>();
    for (FaceBox candidate : candidates) {
      if (kept.size() == settings.maxFaces()) {
        break;
      }
      if (kept.stream().allMatch(k -> k.iou(candidate) <= settings.nmsIou())) {
        kept.add(candidate);
      }
    }
    return kept;
  }

  private static int clamp(int value, int limit) {
    return Math.max(0, Math.min(limit, value));
  }

  /** Releases the network. Safe to call twice. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      outputNames.close();
      net.close();
    }
  }
}
