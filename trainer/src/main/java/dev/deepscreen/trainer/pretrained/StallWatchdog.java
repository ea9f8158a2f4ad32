package dev.deepscreen.trainer.pretrained;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Closes a response body that has delivered nothing for a while. HttpClient's request timeout
 * ends once the response headers have arrived: without this, a connection that goes silent in
 * the middle of a body blocks the reading thread for good.
 */
final class StallWatchdog implements AutoCloseable {
  private final long limitNanos;
  private final ScheduledExecutorService timer;
  private volatile long lastProgress = System.nanoTime();
  private volatile boolean stalled;

  StallWatchdog(Closeable body, Duration limit) {
    limitNanos = limit.toNanos();
    timer = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "download-stall-watchdog");
      thread.setDaemon(true);
      return thread;
    });
    long period = Math.max(1, limitNanos / 4);
    timer.scheduleAtFixedRate(() -> {
      if (!stalled && System.nanoTime() - lastProgress > limitNanos) {
        stalled = true;
        try {
          body.close();
        } catch (IOException e) {
          // The reader finds the body closed (or failed) either way.
        }
      }
    }, period, period, TimeUnit.NANOSECONDS);
  }

  /** Called after each read that returned data. */
  void progressed() {
    lastProgress = System.nanoTime();
  }

  /** Whether the body was closed for want of data: an end of stream then is not the end. */
  boolean stalled() {
    return stalled;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
