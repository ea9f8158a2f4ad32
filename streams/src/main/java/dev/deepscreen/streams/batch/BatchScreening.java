package dev.deepscreen.streams.batch;

import dev.deepscreen.avro.ExtractionStatus;
import dev.deepscreen.avro.ExtractionSummary;
import dev.deepscreen.avro.FaceCrop;
import dev.deepscreen.avro.FaceScore;
import dev.deepscreen.avro.Verdict;
import dev.deepscreen.avro.VideoEvent;
import dev.deepscreen.streams.aggregate.VerdictFactory;
import dev.deepscreen.streams.extract.ExtractConfig;
import dev.deepscreen.streams.extract.ExtractionRecords;
import dev.deepscreen.streams.extract.source.FetchedVideo;
import dev.deepscreen.streams.extract.source.VideoSources;
import dev.deepscreen.core.inference.Ensemble;
import dev.deepscreen.core.media.ExtractedFace;
import dev.deepscreen.core.media.FaceExtractor;
import dev.deepscreen.core.media.VideoException;
import dev.deepscreen.streams.score.FaceScorer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline without Kafka: screens a list of video files in one process with the stages' own
 * code (extraction, scoring, verdict), so that its verdicts are those the streams would give.
 * It is the baseline the streaming path is measured against, and a way to screen a folder
 * without a cluster.
 *
 * <p>Videos are screened {@code parallelism} at a time, each worker with its own face
 * extractor (a detector network is not thread-safe) and scorer; the ensemble's sessions are
 * shared. A video's crops are scored in batches of the scoring stage's maximum batch size.
 */
public final class BatchScreening {

  private static final Logger LOG = LoggerFactory.getLogger(BatchScreening.class);

  /**
   * One screened video.
   *
   * @param video the file
   * @param summary what the extraction found, as the extraction stage reports it
   * @param scores one per crop, as the scoring stage reports them
   * @param verdict as the aggregation stage decides it
   */
  public record Result(Path video, ExtractionSummary summary, List<FaceScore> scores,
      Verdict verdict) {}

  private final ExtractConfig extract;
  private final int batchSize;
  private final Ensemble ensemble;
  private final VerdictFactory verdicts;
  private final int parallelism;
  private final Clock clock;

  /**
   * @param extract the extraction settings; its file roots must hold the videos
   * @param batchSize most crops per model run
   * @param ensemble the models; the caller owns it
   * @param verdicts how scores become a verdict
   * @param parallelism videos screened at once
   * @param clock the time of records and verdicts
   */
  public BatchScreening(ExtractConfig extract, int batchSize, Ensemble ensemble,
      VerdictFactory verdicts, int parallelism, Clock clock) {
    if (batchSize < 1 || parallelism < 1) {
      throw new IllegalArgumentException("batch size and parallelism must be positive");
    }
    this.extract = extract;
    this.batchSize = batchSize;
    this.ensemble = ensemble;
    this.verdicts = verdicts;
    this.parallelism = parallelism;
    this.clock = clock;
  }

  /**
   * Screens {@code videos}; the results are in the same order. {@code progress} hears of each
   * result as it is done, from the worker threads.
   */
  public List<Result> screen(List<Path> videos, Consumer<Result> progress)
      throws InterruptedException {
    List<Worker> workers = new ArrayList<>();
    ThreadLocal<Worker> worker = ThreadLocal.withInitial(() -> {
      Worker created = new Worker(extract.faceExtractor(), new FaceScorer(ensemble),
          extract.videoSources());
      synchronized (workers) {
        workers.add(created);
      }
      return created;
    });
    ExecutorService pool = Executors.newFixedThreadPool(parallelism, task -> {
      Thread thread = new Thread(task, "batch-screening");
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<Result>> futures = new ArrayList<>();
      for (Path video : videos) {
        futures.add(pool.submit(() -> {
          Result result = worker.get().screen(video);
          progress.accept(result);
          return result;
        }));
      }
      List<Result> results = new ArrayList<>();
      for (Future<Result> future : futures) {
        try {
          results.add(future.get());
        } catch (ExecutionException e) {
          throw new IllegalStateException("Screening failed: " + e.getCause(), e.getCause());
        }
      }
      return results;
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(1, TimeUnit.MINUTES);
      synchronized (workers) {
        for (Worker w : workers) {
          w.extractor().close();
          w.sources().close();
        }
      }
    }
  }

  private final class Worker {
    private final FaceExtractor extractor;
    private final FaceScorer scorer;
    private final VideoSources sources;

    Worker(FaceExtractor extractor, FaceScorer scorer, VideoSources sources) {
      this.extractor = extractor;
      this.scorer = scorer;
      this.sources = sources;
    }

    FaceExtractor extractor() {
      return extractor;
    }

    VideoSources sources() {
      return sources;
    }

    Result screen(Path video) {
      Path absolute = video.toAbsolutePath().normalize();
      String uri = absolute.toUri().toString();
      Instant started = clock.instant();
      VideoEvent event = VideoEvent.newBuilder()
          .setEventId(UUID.nameUUIDFromBytes(uri.getBytes(StandardCharsets.UTF_8)))
          .setVideoId(absolute.getFileName().toString()).setUri(uri).setSubmittedAt(started)
          .setSource("batch").setTenant(null).setAttributes(Map.of()).build();
      List<FaceCrop> crops = new ArrayList<>();
      ExtractionSummary summary;
      try (FetchedVideo fetched = sources.fetch(uri)) {
        FaceExtractor.Extraction extraction = extractor.extract(fetched.path());
        for (ExtractedFace face : extraction.faces()) {
          crops.add(ExtractionRecords.crop(event, face, clock.instant()));
        }
        summary = ExtractionRecords.ok(event, extraction, started, clock.instant());
      } catch (VideoException e) {
        LOG.info("{}: {} - {}", video, e.kind(), e.getMessage());
        summary = ExtractionRecords.summary(event, ExtractionRecords.status(e.kind()),
            e.getMessage(), null, started, clock.instant());
      } catch (RuntimeException e) {
        LOG.error("Extraction of {} failed unexpectedly", video, e);
        summary = ExtractionRecords.summary(event, ExtractionStatus.UNREADABLE,
            "The video could not be processed: " + e, null, started, clock.instant());
      }
      List<FaceScore> scores = new ArrayList<>();
      for (int from = 0; from < crops.size(); from += batchSize) {
        List<FaceCrop> batch = crops.subList(from, Math.min(crops.size(), from + batchSize));
        List<FaceScorer.Outcome> outcomes = scorer.score(batch);
        Instant scoredAt = clock.instant();
        for (int i = 0; i < batch.size(); i++) {
          scores.add(scorer.faceScore(batch.get(i), outcomes.get(i), scoredAt));
        }
      }
      Verdict verdict = verdicts.decide(summary, scores, false, clock.millis());
      return new Result(video, summary, scores, verdict);
    }
  }
}
