package dev.deepscreen.streams.review;

import dev.deepscreen.avro.FrameScore;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The per-frame fake probability over the video's duration as an inline SVG: one point per
 * sampled frame with faces (the verdict's timeline: the most suspicious face of the frame), the
 * frames shown on the page marked, and the 0.5 line.
 */
final class TimelineChart {
  private TimelineChart() {}

  static final int WIDTH = 720;
  static final int HEIGHT = 160;
  private static final int PAD = 28;

  /**
   * @param durationMs the video's duration, or 0 or less when unknown (the last frame's time
   *     is used)
   */
  static String svg(List<FrameScore> timeline, long durationMs, Set<Integer> marked) {
    long span = durationMs;
    for (FrameScore frame : timeline) {
      span = Math.max(span, frame.getFrameTimeMs());
    }
    span = Math.max(span, 1);
    StringBuilder svg = new StringBuilder();
    svg.append("<svg class=\"timeline\" id=\"timeline\" viewBox=\"0 0 ").append(WIDTH).append(' ')
        .append(HEIGHT).append("\" role=\"img\" aria-label=\"Fake probability per frame over")
        .append(" the video\">");
    svg.append(line(PAD, y(0), WIDTH - PAD, y(0), "axis"));
    svg.append(line(PAD, y(1), PAD, y(0), "axis"));
    svg.append(line(PAD, y(0.5), WIDTH - PAD, y(0.5), "half"));
    svg.append(label(2, y(1) + 4, "1.0")).append(label(2, y(0.5) + 4, "0.5"))
        .append(label(2, y(0) + 4, "0.0"));
    svg.append(label(PAD, HEIGHT - 4, "0 s"));
    svg.append(label(WIDTH - PAD - 40, HEIGHT - 4, Html.seconds(span)));
    if (!timeline.isEmpty()) {
      svg.append("<polyline class=\"series\" points=\"");
      for (FrameScore frame : timeline) {
        svg.append(fmt(x(frame.getFrameTimeMs(), span))).append(',')
            .append(fmt(y(frame.getMaxProbability()))).append(' ');
      }
      svg.append("\"/>");
      for (FrameScore frame : timeline) {
        boolean shown = marked.contains(frame.getFrameIndex());
        svg.append("<circle class=\"").append(shown ? "point shown" : "point")
            .append("\" data-frame=\"").append(frame.getFrameIndex()).append("\" cx=\"")
            .append(fmt(x(frame.getFrameTimeMs(), span))).append("\" cy=\"")
            .append(fmt(y(frame.getMaxProbability()))).append("\" r=\"")
            .append(shown ? 5 : 3).append("\"><title>frame ").append(frame.getFrameIndex())
            .append(" at ").append(Html.seconds(frame.getFrameTimeMs())).append(": ")
            .append(Html.probability(frame.getMaxProbability())).append("</title></circle>");
      }
    }
    return svg.append("</svg>").toString();
  }

  private static double x(long timeMs, long span) {
    return PAD + (WIDTH - 2.0 * PAD) * timeMs / span;
  }

  private static double y(double probability) {
    double p = Double.isFinite(probability) ? Math.max(0, Math.min(1, probability)) : 0;
    return HEIGHT - PAD - (HEIGHT - 2.0 * PAD) * p;
  }

  private static String line(double x1, double y1, double x2, double y2, String cls) {
    return "<line class=\"" + cls + "\" x1=\"" + fmt(x1) + "\" y1=\"" + fmt(y1) + "\" x2=\""
        + fmt(x2) + "\" y2=\"" + fmt(y2) + "\"/>";
  }

  private static String label(double x, double y, String text) {
    return "<text x=\"" + fmt(x) + "\" y=\"" + fmt(y) + "\">" + Html.text(text) + "</text>";
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
