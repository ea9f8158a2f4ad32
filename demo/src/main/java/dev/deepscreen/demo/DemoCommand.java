package dev.deepscreen.demo;

import dev.deepscreen.avro.Label;
import dev.deepscreen.avro.Verdict;
import dev.deepscreen.avro.VideoEvent;
import dev.deepscreen.core.inference.BuiltInEnsemble;
import dev.deepscreen.core.media.ClipWriter;
import dev.deepscreen.core.media.FacePhotos;
import dev.deepscreen.core.media.SampleClips;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.SchemaRegistries;
import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import dev.deepscreen.streams.app.StageRunner;
import dev.deepscreen.streams.cli.CommandContext;
import dev.deepscreen.streams.cli.CommandException;
import dev.deepscreen.streams.cli.VerdictTable;
import dev.deepscreen.streams.cli.VideoEvents;
import dev.deepscreen.streams.extract.ExtractConfig;
import dev.deepscreen.streams.review.PasswordHash;
import dev.deepscreen.streams.review.ReviewApp;
import dev.deepscreen.streams.review.ReviewConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bytedeco.ffmpeg.global.avutil;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code deepscreen demo}: the whole pipeline in this process (see {@link EmbeddedPipeline}) on
 * a folder of videos, or on sample clips made from real face photos; prints progress, a table of
 * the verdicts, where the S3 sink put them, and a summary. Exit code 0 when every video got its
 * verdict, 1 otherwise.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Runs the whole pipeline in this process: a Kafka broker, an in-memory Schema"
        + " Registry, an S3-compatible store, the three stages and the S3 sink in a Connect"
        + " worker. Submits every file of VIDEO_FOLDER (or sample clips made from real face"
        + " photos when none is given), shows progress, prints the verdicts and where the S3"
        + " objects are, then stops.",
        "Needs only a JDK. The work folder (state, S3 objects) is kept."})
final class DemoCommand implements Callable<Integer> {

  private static final Duration POLL = Duration.ofMillis(250);
  private static final Duration SINK_WAIT = Duration.ofSeconds(60);

  private final CommandContext context;
  /** The right label of each sample clip, by video id; empty for the user's own videos. */
  private final Map<String, Label> expected = new TreeMap<>();

  @Parameters(paramLabel = "VIDEO_FOLDER", arity = "0..1",
      description = "Videos to screen (every regular file in it, not recursing).")
  Path videoFolder;

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "Folder for the stages' state and the S3 objects (default: a new temporary"
          + " folder).")
  Path workDir;

  @Option(names = "--ensemble", paramLabel = "DIR",
      description = "The scorer's ensemble folder (ensemble.json and SavedModels; default: the"
          + " built-in one).")
  Path ensemble;

  @Option(names = "--clips", paramLabel = "N", defaultValue = "6",
      description = "Sample clips to make without VIDEO_FOLDER (default: ${DEFAULT-VALUE}), plus"
          + " one file that is no video.")
  int clips;

  @Option(names = "--review",
      description = "After the verdicts, serve the review pages on them (deepscreen review, on"
          + " loopback) until Ctrl-C, for a reviewer 'demo' whose password is made for this run"
          + " and printed.")
  boolean review;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "900",
      description = "Give up waiting for verdicts after this long (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  DemoCommand(CommandContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    // The broker and the Connect worker load classes by name (plugins, configured classes)
    // through the context class loader: the one that holds lib/demo/, in the full distribution.
    Thread.currentThread().setContextClassLoader(DemoCommand.class.getClassLoader());
    if (clips < 1 || clips > 100) {
      throw new CommandException(StageRunner.EXIT_USAGE, "--clips must be from 1 to 100");
    }
    if (ensemble == null && !BuiltInEnsemble.available()) {
      throw new CommandException(StageRunner.EXIT_CONFIG, "This build has no built-in ensemble;"
          + " give the scorer one with --ensemble DIR (ensemble.json and its SavedModels)");
    }
    Path work = workDir != null ? Files.createDirectories(workDir)
        : Files.createTempDirectory("deepscreen-demo-");
    long started = System.nanoTime();
    List<Path> videos = videoFolder != null ? listVideos(videoFolder) : makeClips(work);
    Path videoRoot = videos.get(0).getParent();
    say("Starting the pipeline in this process (work folder " + work + "):");
    AtomicBoolean stopping = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(1);
    Runnable withdraw = context.stopSignal().register(() -> stopping.set(true), finished);
    try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(work, videoRoot, ensemble,
        part -> say("  - " + part))) {
      say(String.format(Locale.ROOT, "Started in %.1f s.", seconds(started)));
      Map<String, VideoEvent> events = submit(pipeline, videos);
      say("Submitted " + events.size() + " videos to " + Topics.VIDEO_EVENTS.name() + ".");
      Map<String, Verdict> verdicts = follow(pipeline, events, stopping);
      printTable(events, verdicts);
      int objects = awaitObjects(pipeline, verdicts.size(), stopping);
      printSummary(pipeline, events, verdicts, objects, work, started);
      printScore(verdicts);
      if (review && !stopping.get()) {
        serveReview(pipeline, videoRoot, stopping);
      }
      return verdicts.size() == events.size() ? StageRunner.EXIT_OK : StageRunner.EXIT_FAILED;
    } finally {
      finished.countDown();
      withdraw.run();
    }
  }

  private static List<Path> listVideos(Path folder) throws IOException {
    Path root = folder.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new CommandException(StageRunner.EXIT_NO_INPUT, "Not a folder: " + root);
    }
    List<Path> videos;
    try (Stream<Path> files = Files.list(root)) {
      videos = files.filter(Files::isRegularFile).sorted().toList();
    }
    if (videos.isEmpty()) {
      throw new CommandException(StageRunner.EXIT_NO_INPUT, "No files in " + root);
    }
    return videos;
  }

  /**
   * Clips panning across the face photos in turn, every other one with fake faces made as the
   * trainer's synthetic data set makes them (self-blended or swapped, alternately), and one
   * file that only claims to be video.
   */
  private List<Path> makeClips(Path work) throws IOException {
    Path folder = Files.createDirectories(work.resolve("videos"));
    say("Making " + clips + " sample clips from real face photos in " + folder + ":");
    // The encoder would print each clip's stream details; errors are enough.
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    List<Path> videos = new ArrayList<>();
    for (int i = 0; i < clips; i++) {
      String photo = FacePhotos.NAMES.get(i % FacePhotos.NAMES.size());
      ClipWriter.Codec codec = i % 3 == 2 ? ClipWriter.Codec.MPEG4_AVI
          : ClipWriter.Codec.H264_MP4;
      SampleClips.Faces faces = i % 2 == 0 ? SampleClips.Faces.REAL
          : i % 4 == 1 ? SampleClips.Faces.SELF_BLENDED : SampleClips.Faces.SWAPPED;
      String suffix = switch (faces) {
        case REAL -> "";
        case SELF_BLENDED -> "-sbi";
        case SWAPPED -> "-swap";
      };
      Path clip = folder.resolve(String.format(Locale.ROOT, "clip-%02d-%s%s.%s", i + 1,
          photo.replace(".jpg", ""), suffix, codec.extension()));
      SampleClips.panningClip(clip, photo, faces, i, codec, 640, 360, 75, 25);
      videos.add(clip);
      expected.put(clip.getFileName().toString(),
          faces == SampleClips.Faces.REAL ? Label.REAL : Label.FAKE);
    }
    Path broken = Files.writeString(folder.resolve("not-a-video.mp4"),
        "This text file is named like a video; the pipeline says it cannot be read.\n");
    videos.add(broken);
    expected.put(broken.getFileName().toString(), Label.UNKNOWN);
    long fakes = expected.values().stream().filter(l -> l == Label.FAKE).count();
    say("  " + videos.size() + " files (" + (clips - fakes) + " clips of real faces and " + fakes
        + " with fake ones, 3 s at 640x360, and " + broken.getFileName() + ")");
    return videos;
  }

  private Map<String, VideoEvent> submit(EmbeddedPipeline pipeline, List<Path> videos) {
    Map<String, Object> props = new HashMap<>(pipeline.clientSettings());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    Map<String, VideoEvent> events = new TreeMap<>();
    try (SchemaRegistryClient registry = SchemaRegistries.connect(pipeline.clientSettings());
        KafkaProducer<String, VideoEvent> producer = new KafkaProducer<>(props,
            new StringSerializer(), Topics.VIDEO_EVENTS.valueSerde(registry, true)
                .serializer())) {
      List<VideoEvent> batch = videos.stream().map(video -> VideoEvents.of(video.toUri(),
          video.getFileName().toString(), "deepscreen-demo", null, Map.of(), Instant.now()))
          .toList();
      VideoEvents.send(producer, batch);
      batch.forEach(event -> events.put(event.getEventId().toString(), event));
    }
    return events;
  }

  /**
   * Reads the extraction summaries, face scores and verdicts of the submitted events until every
   * event has its verdict, printing progress when it changes.
   */
  private Map<String, Verdict> follow(EmbeddedPipeline pipeline, Map<String, VideoEvent> events,
      AtomicBoolean stopping) {
    Map<String, Object> props = new HashMap<>(pipeline.clientSettings());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "deepscreen-demo-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, Verdict> verdicts = new HashMap<>();
    Map<String, Integer> extracted = new HashMap<>();
    long scored = 0;
    String last = "";
    long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
    try (SchemaRegistryClient registry = SchemaRegistries.connect(pipeline.clientSettings());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props,
            new StringDeserializer(), new ByteArrayDeserializer())) {
      var verdictValues = Topics.VERDICTS.valueSerde(registry, false).deserializer();
      consumer.subscribe(List.of(Topics.EXTRACTION_SUMMARIES.name(), Topics.FACE_SCORES.name(),
          Topics.VERDICTS.name()));
      while (verdicts.size() < events.size() && !stopping.get()) {
        if (System.nanoTime() > deadline) {
          say("Gave up waiting after " + timeoutSeconds + " s (--timeout).");
          break;
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
          if (!events.containsKey(record.key())) {
            continue;
          }
          if (record.topic().equals(Topics.EXTRACTION_SUMMARIES.name())) {
            extracted.merge(record.key(), 1, Integer::sum);
          } else if (record.topic().equals(Topics.FACE_SCORES.name())) {
            scored++;
          } else {
            verdicts.put(record.key(), verdictValues.deserialize(record.topic(),
                record.value()));
          }
        }
        String progress = String.format(Locale.ROOT,
            "  extracted %d/%d videos, %d faces scored, %d/%d verdicts",
            extracted.size(), events.size(), scored, verdicts.size(), events.size());
        if (!progress.equals(last)) {
          say(progress);
          last = progress;
        }
      }
    }
    return verdicts;
  }

  private void printTable(Map<String, VideoEvent> events, Map<String, Verdict> verdicts) {
    context.out().println();
    context.out().println(VerdictTable.header() + (expected.isEmpty() ? "" : "  EXPECTED"));
    verdicts.values().stream().sorted(Comparator.comparing(Verdict::getVideoId))
        .forEach(verdict -> context.out().println(VerdictTable.row(verdict)
            + (expected.isEmpty() ? "" : "  " + expected.get(verdict.getVideoId().toString()))));
    events.values().stream().filter(e -> !verdicts.containsKey(e.getEventId().toString()))
        .sorted(Comparator.comparing(VideoEvent::getVideoId))
        .forEach(e -> context.out().println(e.getVideoId() + "  (no verdict)"));
    context.out().println();
  }

  /**
   * For the sample clips, whose answers are known: how many the ensemble labelled right, so that
   * nobody takes the demonstration model for a detector.
   */
  private void printScore(Map<String, Verdict> verdicts) {
    if (expected.isEmpty()) {
      return;
    }
    Map<Label, int[]> byLabel = new TreeMap<>();
    for (Verdict verdict : verdicts.values()) {
      Label right = expected.get(verdict.getVideoId().toString());
      if (right == null || right == Label.UNKNOWN) {
        continue;
      }
      int[] counts = byLabel.computeIfAbsent(right, l -> new int[2]);
      counts[0] += verdict.getLabel() == right ? 1 : 0;
      counts[1]++;
    }
    int correct = byLabel.values().stream().mapToInt(c -> c[0]).sum();
    int total = byLabel.values().stream().mapToInt(c -> c[1]).sum();
    String parts = byLabel.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue()[0] + "/" + e.getValue()[1])
        .collect(Collectors.joining(", "));
    context.out().println(String.format(Locale.ROOT, "Labelled as expected: %d of %d clips (%s)."
        + " The ensemble %s.", correct, total, parts, ensemble == null
            ? "is the built-in demonstration model, trained on fakes made the same way from these"
                + " same photos: it knows them, and is no detector of other fakes (README: The"
                + " default ensemble is a demonstration model)"
            : "is the one given with --ensemble"));
  }

  /** Waits until the sink wrote one object per verdict (one verdict per object here). */
  private static int awaitObjects(EmbeddedPipeline pipeline, int verdicts,
      AtomicBoolean stopping) throws InterruptedException {
    long deadline = System.nanoTime() + SINK_WAIT.toNanos();
    while (pipeline.verdictObjectFiles().size() < verdicts && !stopping.get()
        && System.nanoTime() < deadline) {
      Thread.sleep(POLL.toMillis());
    }
    return pipeline.verdictObjectFiles().size();
  }

  private void printSummary(EmbeddedPipeline pipeline, Map<String, VideoEvent> events,
      Map<String, Verdict> verdicts, int objects, Path work, long started) {
    Map<String, Long> byStatus = verdicts.values().stream().collect(Collectors.groupingBy(
        v -> v.getStatus().name(), TreeMap::new, Collectors.counting()));
    Map<String, Long> byAction = verdicts.values().stream().collect(Collectors.groupingBy(
        v -> v.getAction().name(), TreeMap::new, Collectors.counting()));
    context.out().println("S3: " + objects + " verdict objects (JSON Lines) in s3://"
        + EmbeddedPipeline.BUCKET + "/topics/" + Topics.VERDICTS.name() + "/, kept as files"
        + " under " + pipeline.verdictObjects());
    context.out().println(String.format(Locale.ROOT,
        "Summary: %d videos, %d verdicts %s, actions %s, in %.1f s. Work folder: %s",
        events.size(), verdicts.size(), byStatus, byAction, seconds(started), work));
    if (verdicts.size() < events.size()) {
      context.out().println((events.size() - verdicts.size()) + " videos got no verdict.");
    }
  }

  /**
   * The review server on the demo's cluster, reading videos from the demo's folder only, for one
   * reviewer whose password is drawn now: the server has no default reviewer, and the demo
   * makes none either.
   */
  private void serveReview(EmbeddedPipeline pipeline, Path videoRoot, AtomicBoolean stopping)
      throws IOException, InterruptedException {
    byte[] secret = new byte[12];
    new SecureRandom().nextBytes(secret);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    Map<String, String> settings = new HashMap<>(pipeline.clientSettings());
    settings.put(ExtractConfig.FILE_ROOTS_CONFIG, videoRoot.toString());
    settings.put(ReviewConfig.PORT_CONFIG, "0");
    settings.put(ReviewConfig.USERS_CONFIG, "demo:" + PasswordHash.of(password.toCharArray(),
        PasswordHash.DEFAULT_ITERATIONS));
    try (ReviewApp app = ReviewApp.start(settings)) {
      context.out().println();
      context.out().println("Review the verdicts at " + app.uri() + " as demo, password "
          + password + " (made for this run). Ctrl-C stops.");
      context.out().println("Each decision is a record on " + Topics.REVIEW_DECISIONS.name()
          + ", and the S3 sink writes it under " + pipeline.decisionObjects());
      context.out().flush();
      while (!stopping.get()) {
        Thread.sleep(POLL.toMillis());
      }
    }
  }

  private void say(String line) {
    context.err().println(line);
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }
}
