package dev.deepscreen.streams.app;

import java.util.concurrent.CountDownLatch;

/**
 * What tells a long-running process to stop: the JVM's shutdown (SIGTERM, Ctrl-C) in production,
 * or a test.
 */
@FunctionalInterface
public interface StopSignal {

  /**
   * Arranges for {@code stop} to be called when the process should stop. The signal may wait for
   * {@code finished} before letting the JVM exit, so that clients close cleanly.
   *
   * @return an action that withdraws the arrangement once the process ended by itself
   */
  Runnable register(Runnable stop, CountDownLatch finished);

  /** The JVM's shutdown: a shutdown hook that calls {@code stop} and waits for the end. */
  static StopSignal jvmShutdown() {
    return (stop, finished) -> {
      Thread hook = new Thread(() -> {
        stop.run();
        try {
          finished.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "deepscreen-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      return () -> {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // The JVM is shutting down already; the hook is running.
        }
      };
    };
  }
}
