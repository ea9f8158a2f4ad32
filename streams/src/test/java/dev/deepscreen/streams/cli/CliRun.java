package dev.deepscreen.streams.cli;

import dev.deepscreen.streams.app.StopSignal;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** One in-process run of the command line, with what it printed. */
public record CliRun(int exitCode, String out, String err) {

  /** Runs a command that ends by itself. */
  public static CliRun run(Map<String, String> environment, String... args) {
    return run(environment, (stop, finished) -> () -> {}, args);
  }

  public static CliRun run(Map<String, String> environment, StopSignal signal, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Deepscreen.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), environment, signal, args);
    return new CliRun(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  /** A stop signal a test triggers. */
  public static final class ManualStop implements StopSignal {
    private final CountDownLatch registered = new CountDownLatch(1);
    private volatile Runnable stop;

    @Override
    public Runnable register(Runnable stop, CountDownLatch finished) {
      this.stop = stop;
      registered.countDown();
      return () -> {};
    }

    /** Stops the command once it has registered. */
    public void stop() throws InterruptedException {
      registered.await();
      stop.run();
    }
  }
}
