package dev.deepscreen.trainer.pretrained;

import java.io.PrintStream;
import java.net.URI;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The progress lines of one response's body: a line when it starts, one per 5% received, and
 * one after a quiet spell of 10 s (a slow link, or a size the server did not give). Whole lines
 * only, no carriage returns, so that logs of a long import stay readable.
 */
final class DownloadProgress {
  private static final int STEPS = 20;
  private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final PrintStream out;
  private final String name;
  private final long offset;
  private final long total;
  private final long started = System.nanoTime();
  private long lastLine = started;
  private long lastStep;

  /**
   * @param offset bytes already in the file before this response
   * @param total the whole file's size, or -1 when unknown
   */
  DownloadProgress(PrintStream out, String name, long offset, long total) {
    this.out = out;
    this.name = name;
    this.offset = offset;
    this.total = total;
    this.lastStep = step(offset);
  }

  void started(URI uri) {
    if (offset > 0) {
      out.println(name + ": resuming at " + mb(offset) + (total >= 0 ? " of " + mb(total) : "")
          + " MB from " + uri);
    } else {
      out.println(name + ": downloading " + (total >= 0 ? mb(total) + " MB" : "(size unknown)")
          + " from " + uri);
    }
  }

  /** @param size the file's size now */
  void received(long size) {
    long now = System.nanoTime();
    long step = step(size);
    if (step <= lastStep && now - lastLine < QUIET_NANOS) {
      return;
    }
    lastStep = step;
    lastLine = now;
    double rate = (size - offset) / Math.max(1e-9, (now - started) / 1e9);
    out.println(name + ": " + mb(size) + (total > 0
        ? String.format(Locale.ROOT, " of %s MB (%d%%)", mb(total), size * 100 / total) : " MB")
        + ", " + mb((long) rate) + " MB/s");
  }

  private long step(long size) {
    return total > 0 ? size * STEPS / total : 0;
  }

  /** Decimal megabytes with one decimal, as download sizes are usually quoted. */
  static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / 1e6);
  }
}
