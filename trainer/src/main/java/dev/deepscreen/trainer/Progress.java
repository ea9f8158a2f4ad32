package dev.deepscreen.trainer;

import java.io.PrintStream;
import java.time.Duration;

/**
 * A progress bar for long steps: on a terminal one line redrawn in place, otherwise (logs,
 * tests) one line at each tenth of the work, so that logs stay short.
 *
 * <pre>preprocess [==========>         ]  130/264  49%  12.1/s  eta 0:11  faces 1034</pre>
 */
public final class Progress {
  private static final int WIDTH = 24;

  private final PrintStream out;
  private final String task;
  private final long total;
  private final boolean interactive;
  private final long started = System.nanoTime();
  private long lastTenth = -1;

  /**
   * @param interactive redraw one line (a terminal), or print a line per tenth
   */
  public Progress(PrintStream out, String task, long total, boolean interactive) {
    this.out = out;
    this.task = task;
    this.total = Math.max(1, total);
    this.interactive = interactive;
  }

  /** A bar for the console when there is one. */
  public static Progress onConsole(PrintStream out, String task, long total) {
    return new Progress(out, task, total, System.console() != null);
  }

  /** Reports {@code done} units and a free-form detail such as the running loss. */
  public synchronized void update(long done, String detail) {
    long tenth = done * 10 / total;
    if (interactive) {
      out.print("\r" + line(done, detail));
      if (done >= total) {
        out.println();
      }
      out.flush();
    } else if (tenth != lastTenth || done >= total) {
      lastTenth = tenth;
      out.println(line(done, detail));
    }
  }

  String line(long done, String detail) {
    int filled = (int) (WIDTH * Math.min(done, total) / total);
    StringBuilder bar = new StringBuilder("[");
    for (int i = 0; i < WIDTH; i++) {
      bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
    }
    bar.append(']');
    double seconds = (System.nanoTime() - started) / 1e9;
    double rate = seconds > 0 ? done / seconds : 0;
    String eta = rate > 0 ? format(Duration.ofSeconds((long) ((total - done) / rate))) : "?";
    String width = String.valueOf(total);
    return String.format("%s %s %" + width.length() + "d/%s %3d%% %6.1f/s eta %s%s", task,
        bar, done, width, done * 100 / total, rate, eta,
        detail == null || detail.isEmpty() ? "" : "  " + detail);
  }

  private static String format(Duration d) {
    long s = d.getSeconds();
    return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format("%d:%02d", s / 60, s % 60);
  }
}
