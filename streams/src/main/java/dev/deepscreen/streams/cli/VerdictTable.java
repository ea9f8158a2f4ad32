package dev.deepscreen.streams.cli;

import dev.deepscreen.avro.ReviewDecision;
import dev.deepscreen.avro.Verdict;
import java.util.Locale;

/**
 * Verdicts as rows of a fixed-width table: video, probability, label, action, status, faces
 * scored of those expected, the time from submission to verdict, and the final action: a
 * reviewer's decision when there is one (ALLOW, BLOCK or ESCALATE), else the verdict's action.
 */
public final class VerdictTable {

  private static final String FORMAT = "%-28s %11s %-7s %-7s %-14s %7s %9s %-8s";
  private static final int VIDEO_WIDTH = 28;

  private VerdictTable() {}

  public static String header() {
    return String.format(Locale.ROOT, FORMAT, "VIDEO", "PROBABILITY", "LABEL", "ACTION",
        "STATUS", "FACES", "TIME", "FINAL");
  }

  /** A verdict nobody decided on: its final action is its own. */
  public static String row(Verdict verdict) {
    return row(verdict, null);
  }

  /** A verdict with the reviewer's decision on it, or null for none. */
  public static String row(Verdict verdict, ReviewDecision decision) {
    return String.format(Locale.ROOT, FORMAT, fit(verdict.getVideoId()),
        String.format(Locale.ROOT, "%.3f", verdict.getProbability()), verdict.getLabel(),
        verdict.getAction(), verdict.getStatus(),
        verdict.getFacesScored() + "/" + verdict.getFacesExpected(),
        String.format(Locale.ROOT, "%.1f s", verdict.getTimings().getEndToEndMs() / 1000.0),
        finalAction(verdict, decision));
  }

  /** The reviewer's decision when there is one, else the verdict's action. */
  public static String finalAction(Verdict verdict, ReviewDecision decision) {
    return decision != null && decision.getEventId().equals(verdict.getEventId())
        ? decision.getDecision().name() : verdict.getAction().name();
  }

  /** Long ids keep their end, which tells files apart better than their start. */
  private static String fit(String video) {
    return video.length() <= VIDEO_WIDTH ? video
        : "..." + video.substring(video.length() - (VIDEO_WIDTH - 3));
  }
}
