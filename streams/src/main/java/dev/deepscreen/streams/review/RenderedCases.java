package dev.deepscreen.streams.review;

import dev.deepscreen.avro.FrameScore;
import dev.deepscreen.avro.Verdict;
import dev.deepscreen.core.media.VideoException;
import dev.deepscreen.streams.review.FrameRenderer.RenderedCase;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Renders each case's frames once, on a few threads of its own, and
 * keeps the most recently used cases' frames. The frames of a page's images are asked for
 * together: they share one decode of the video.
 */
final class RenderedCases implements AutoCloseable {

  private final FrameRenderer renderer;
  private final int framesPerCase;
  private final ExecutorService executor;
  private final Map<String, CompletableFuture<RenderedCase>> cache;

  /** The extraction stage's crop margin: where around a face box its heatmap lies. */
  private final double cropMargin;

  RenderedCases(FrameRenderer renderer, int framesPerCase, int threads, int cachedCases,
      double cropMargin) {
    this.renderer = renderer;
    this.cropMargin = cropMargin;
    this.framesPerCase = framesPerCase;
    this.executor = Executors.newFixedThreadPool(threads, r -> {
      Thread thread = new Thread(r, "review-render");
      thread.setDaemon(true);
      return thread;
    });
    this.cache = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<RenderedCase>> e) {
        return size() > cachedCases;
      }
    };
  }

  /** The frames a case page shows: the verdict's top frames, the most suspicious first. */
  Set<Integer> shownFrames(Verdict verdict) {
    Set<Integer> frames = new LinkedHashSet<>();
    for (FrameScore frame : verdict.getTopFrames()) {
      if (frames.size() < framesPerCase) {
        frames.add(frame.getFrameIndex());
      }
    }
    return frames;
  }

  /**
   * The case's rendered frames, rendered now or earlier for the same verdict. Completes
   * exceptionally with a {@link VideoException} when the video cannot be rendered.
   */
  CompletableFuture<RenderedCase> get(Verdict verdict) {
    String key = verdict.getEventId() + "@" + verdict.getDecidedAt().toEpochMilli();
    synchronized (cache) {
      CompletableFuture<RenderedCase> cached = cache.get(key);
      if (cached != null && !(cached.isCompletedExceptionally() && failedTransiently(cached))) {
        return cached;
      }
      Set<Integer> wanted = shownFrames(verdict);
      String uri = verdict.getUri();
      CompletableFuture<RenderedCase> future = CompletableFuture.supplyAsync(() -> {
        try {
          return renderer.render(uri, wanted);
        } catch (VideoException e) {
          throw new java.util.concurrent.CompletionException(e);
        }
      }, executor);
      cache.put(key, future);
      return future;
    }
  }

  /** A timed-out or failed download may work on the next try; a refusal will not. */
  private static boolean failedTransiently(CompletableFuture<RenderedCase> future) {
    try {
      future.join();
      return false;
    } catch (java.util.concurrent.CompletionException e) {
      return !(e.getCause() instanceof VideoException v
          && v.kind() == VideoException.Kind.REJECTED);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The extraction stage's crop margin, {@code extract.crop.margin}. */
  double cropMargin() {
    return cropMargin;
  }
}
