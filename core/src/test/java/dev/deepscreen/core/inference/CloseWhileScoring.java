package dev.deepscreen.core.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.assertj.core.data.Offset;

/**
 * What both engines promise when a stage shuts down while its stream threads still score: every
 * call either finishes on a live session with the model's answer, or is refused with "closed";
 * none reads a freed session.
 */
final class CloseWhileScoring {

  private static final int THREADS = 4;

  private CloseWhileScoring() {
  }

  /**
   * Starts four threads that score {@code batches} on {@code model} until refused, lets each
   * make {@code callsBeforeClose} calls, runs {@code close}, and checks every thread's answers
   * and its end.
   */
  static void check(FaceClassifier model, Supplier<FaceBatch> batches, float[] expected,
      int callsBeforeClose, Runnable close) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CountDownLatch running = new CountDownLatch(THREADS);
      List<Future<Integer>> workers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        workers.add(pool.submit(() -> {
          int calls = 0;
          FaceBatch batch = batches.get();
          while (true) {
            float[] logits;
            try {
              logits = model.logits(batch);
            } catch (IllegalStateException e) {
              assertThat(e).hasMessage("Model " + model.name() + " is closed");
              return calls;
            }
            assertThat(logits).containsExactly(expected, Offset.offset(1e-6f));
            if (++calls == callsBeforeClose) {
              running.countDown();
            }
          }
        }));
      }
      assertThat(running.await(60, TimeUnit.SECONDS)).isTrue();
      close.run();
      for (Future<Integer> worker : workers) {
        assertThat(worker.get(60, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(callsBeforeClose);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
