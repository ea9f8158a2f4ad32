package dev.deepscreen.trainer.synth;

import dev.deepscreen.core.media.FaceBlender;
import dev.deepscreen.core.media.FaceBox;
import java.util.SplittableRandom;
import org.bytedeco.opencv.opencv_core.Rect;

/**
 * A slow hand-held camera move over a still photo: a square window around one face that pans
 * and zooms linearly from its first to its last frame. A real clip and the fakes made from it
 * share one path, as a DFDC fake shares its original's footage.
 *
 * @param startX window centre in the first frame, photo pixels
 * @param startY window centre in the first frame
 * @param startSide window side in the first frame
 * @param endX window centre in the last frame
 * @param endY window centre in the last frame
 * @param endSide window side in the last frame
 */
record CameraPath(double startX, double startY, double startSide, double endX, double endY,
    double endSide) {

  /** A random path keeping {@code face} in view, its side a third to a half of the window. */
  static CameraPath around(FaceBox face, SplittableRandom random) {
    double side = Math.max(face.width(), face.height()) * FaceBlender.uniform(random, 2.1, 2.8);
    double cx = face.x() + face.width() / 2.0 + FaceBlender.uniform(random, -0.12, 0.12) * side;
    double cy = face.y() + face.height() / 2.0 + FaceBlender.uniform(random, -0.12, 0.12) * side;
    double endSide = side * FaceBlender.uniform(random, 0.85, 1.15);
    double endX = cx + FaceBlender.uniform(random, -0.1, 0.1) * side;
    double endY = cy + FaceBlender.uniform(random, -0.1, 0.1) * side;
    return new CameraPath(cx, cy, side, endX, endY, endSide);
  }

  /** The window of frame {@code frame} of {@code frames}, moved and shrunk to fit the photo. */
  Rect window(int frame, int frames, int photoWidth, int photoHeight) {
    double t = frames < 2 ? 0 : (double) frame / (frames - 1);
    double side = Math.min(Math.min(photoWidth, photoHeight), startSide + t * (endSide - startSide));
    double cx = startX + t * (endX - startX);
    double cy = startY + t * (endY - startY);
    int s = (int) Math.round(side);
    int x = (int) Math.round(Math.max(0, Math.min(photoWidth - side, cx - side / 2)));
    int y = (int) Math.round(Math.max(0, Math.min(photoHeight - side, cy - side / 2)));
    return new Rect(Math.min(x, photoWidth - s), Math.min(y, photoHeight - s), s, s);
  }
}
