package dev.deepscreen.streams.cli;

import dev.deepscreen.avro.Verdict;
import java.util.Locale;

/**
 * Verdicts as rows of a fixed-width table: video, probability, label, action, status, faces
 * scored of those expected, and the time from submission to verdict.
 */
public final class VerdictTable {

  private static final String FORMAT = "%-28s %11s %-7s %-7s %-14s %7s %9s";
  private static final int VIDEO_WIDTH = 28;

  private VerdictTable() {}

  public static String header() {
    return String.format(Locale.ROOT, FORMAT, "VIDEO", "PROBABILITY", "LABEL", "ACTION",
        "STATUS", "FACES", "TIME");
  }

  public static String row(Verdict verdict) {
    return String.format(Locale.ROOT, FORMAT, fit(verdict.getVideoId()),
        String.format(Locale.ROOT, "%.3f", verdict.getProbability()), verdict.getLabel(),
        verdict.getAction(), verdict.getStatus(),
        verdict.getFacesScored() + "/" + verdict.getFacesExpected(),
        String.format(Locale.ROOT, "%.1f s", verdict.getTimings().getEndToEndMs() / 1000.0));
  }

  /** Long ids keep their end, which tells files apart better than their start. */
  private static String fit(String video) {
    return video.length() <= VIDEO_WIDTH ? video
        : "..." + video.substring(video.length() - (VIDEO_WIDTH - 3));
  }
}
