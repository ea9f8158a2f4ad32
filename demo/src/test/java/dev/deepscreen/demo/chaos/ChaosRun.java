package dev.deepscreen.demo.chaos;

import dev.deepscreen.avro.VideoEvent;
import dev.deepscreen.core.inference.TinyModels;
import dev.deepscreen.core.media.ClipWriter.Codec;
import dev.deepscreen.core.media.FacePhotos;
import dev.deepscreen.core.media.SampleClips;
import dev.deepscreen.schemas.TopicDefinition;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.FakeSchemaRegistryServer;
import dev.deepscreen.schemas.registry.SchemaRegistries;
import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import dev.deepscreen.streams.cli.VideoEvents;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The pipeline as separate processes against a real broker process, with stages SIGKILLed at
 * random points and restarted at once, and the broker itself killed and restarted once, while
 * videos are submitted at a steady pace. Measures, for every kill, the time from the restart to
 * the stage's first committed output, and at the end counts the verdicts of every event.
 */
final class ChaosRun {

  /** What a stage writes, to see it working again. */
  private static final Map<String, TopicDefinition<?>> OUTPUTS = Map.of(
      "extract", Topics.FACE_CROPS, "score", Topics.FACE_SCORES, "aggregate", Topics.VERDICTS);

  /**
   * @param clips videos to make and submit, one every {@code submitEvery}, over and over until
   *     the kills are done
   * @param stageKills stage kills, one at a time, each after the previous one recovered
   * @param brokerRestart whether to kill and restart the broker once, half way
   * @param stageSettings settings every stage gets besides the addresses (the variant measured)
   */
  record Settings(int clips, Duration submitEvery, int stageKills, boolean brokerRestart,
      long seed, Map<String, String> stageSettings) {}

  /** One kill: which process, and the seconds from its restart to ready and to output. */
  record Recovery(String process, double readySeconds, double outputSeconds) {}

  /** What a run saw. */
  record Result(int events, Map<String, Integer> verdictsPerEvent, List<Recovery> recoveries,
      double seconds) {

    /** Events with no verdict or with more than one. */
    Map<String, Integer> wrong(Set<String> submitted) {
      Map<String, Integer> wrong = new LinkedHashMap<>();
      submitted.forEach(id -> {
        int count = verdictsPerEvent.getOrDefault(id, 0);
        if (count != 1) {
          wrong.put(id, count);
        }
      });
      return wrong;
    }
  }

  private final Path work;
  private final Path distribution;
  private final Settings settings;
  private final PrintStream log;
  private final SplittableRandom random;
  /** When the watcher read each committed output record: offset to System.nanoTime(). */
  private final Map<TopicPartition, ConcurrentNavigableMap<Long, Long>> arrivals =
      new ConcurrentHashMap<>();
  /** The verdict records of each event, by their coordinates: a record read twice is one. */
  private final Map<String, Set<String>> verdicts = new ConcurrentHashMap<>();
  private final Set<String> submitted = ConcurrentHashMap.newKeySet();
  /** Set when the kills are over: the submitter then stops once it has sent every clip. */
  private final AtomicBoolean chaosOver = new AtomicBoolean();

  ChaosRun(Path work, Path distribution, Settings settings, PrintStream log) {
    this.work = work;
    this.distribution = distribution;
    this.settings = settings;
    this.log = log;
    this.random = new SplittableRandom(settings.seed());
  }

  Set<String> submitted() {
    return submitted;
  }

  Result run() throws Exception {
    long started = System.nanoTime();
    List<Recovery> recoveries = new ArrayList<>();
    List<Path> videos = makeClips();
    Path ensemble = Files.createDirectories(work.resolve("ensemble"));
    TinyModels.export(ensemble.resolve("tiny"), 64, 1f, 0f);
    TinyModels.writeManifest(ensemble, "chaos", TinyModels.manifestEntry("tiny", "tiny", 64, 1));

    try (FakeSchemaRegistryServer registry = new FakeSchemaRegistryServer();
        BrokerProcess broker = BrokerProcess.start(work.resolve("broker"), distribution);
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers()))) {
      broker.createTopics(admin);
      Map<String, String> common = new HashMap<>(settings.stageSettings());
      common.put("bootstrap.servers", broker.bootstrapServers());
      common.put("schema.registry.url", registry.url());
      common.put("extract.file.roots", videos.get(0).getParent().toString());
      common.put("score.ensemble.dir", ensemble.toString());
      Map<String, StageChild> stages = new LinkedHashMap<>();
      for (String stage : OUTPUTS.keySet().stream().sorted().toList()) {
        stages.put(stage, new StageChild(stage, distribution, work.resolve(stage),
            BrokerProcess.freePort(),
            common));
      }
      AtomicBoolean done = new AtomicBoolean();
      Thread watcher = new Thread(() -> watch(broker.bootstrapServers(), done), "chaos-watcher");
      try {
        for (StageChild stage : stages.values()) {
          stage.start();
        }
        awaitReady(stages.values(), Duration.ofSeconds(120));
        log.println("stages ready after " + seconds(started) + " s");
        watcher.start();
        Thread submitter = new Thread(() -> submit(broker.bootstrapServers(), registry.url(),
            videos), "chaos-submitter");
        submitter.start();
        int kills = 0;
        boolean brokerRestarted = !settings.brokerRestart();
        while (kills < settings.stageKills() || !brokerRestarted) {
          Thread.sleep(2000 + random.nextInt(4000));
          if (!brokerRestarted && kills >= settings.stageKills() / 2) {
            recoveries.add(restartBroker(broker, stages, admin));
            brokerRestarted = true;
            continue;
          }
          List<String> names = new ArrayList<>(stages.keySet());
          StageChild victim = stages.get(names.get(random.nextInt(names.size())));
          recoveries.add(restart(victim, admin));
          kills++;
        }
        chaosOver.set(true);
        submitter.join();
        awaitVerdicts(Duration.ofSeconds(180));
      } finally {
        done.set(true);
        for (StageChild stage : stages.values()) {
          stage.close();
        }
        watcher.join(10_000);
      }
    }
    Map<String, Integer> counts = new HashMap<>();
    verdicts.forEach((event, records) -> counts.put(event, records.size()));
    return new Result(submitted.size(), counts, recoveries, seconds(started));
  }

  private Recovery restart(StageChild stage, Admin admin) throws Exception {
    stage.kill();
    long restarted = System.nanoTime();
    stage.start();
    // What the killed process committed is there now; what comes after is the new one's.
    Map<TopicPartition, Long> ends = committedEnds(admin, OUTPUTS.get(stage.stage()));
    long ready = awaitReady(List.of(stage), Duration.ofSeconds(180));
    long output = awaitOutput(ends, Duration.ofSeconds(180));
    Recovery recovery = new Recovery(stage.stage(), (ready - restarted) / 1e9,
        output < 0 ? Double.NaN : (output - restarted) / 1e9);
    log.println(String.format(Locale.ROOT, "killed %-9s ready after %5.1f s, output after %5.1f s",
        stage.stage(), recovery.readySeconds(), recovery.outputSeconds()));
    return recovery;
  }

  private Recovery restartBroker(BrokerProcess broker, Map<String, StageChild> stages,
      Admin admin) throws Exception {
    broker.kill();
    long restarted = System.nanoTime();
    broker.start();
    Map<TopicPartition, Long> ends = committedEnds(admin, Topics.VERDICTS);
    long ready = awaitReady(stages.values(), Duration.ofSeconds(180));
    long output = awaitOutput(ends, Duration.ofSeconds(180));
    Recovery recovery = new Recovery("broker", (ready - restarted) / 1e9,
        output < 0 ? Double.NaN : (output - restarted) / 1e9);
    log.println(String.format(Locale.ROOT, "killed broker    stages ready after %5.1f s,"
        + " verdicts after %5.1f s", recovery.readySeconds(), recovery.outputSeconds()));
    return recovery;
  }

  private List<Path> makeClips() throws IOException {
    Path folder = Files.createDirectories(work.resolve("videos"));
    List<Path> videos = new ArrayList<>();
    for (int i = 0; i < settings.clips(); i++) {
      String photo = FacePhotos.NAMES.get(i % FacePhotos.NAMES.size());
      SampleClips.Faces faces = SampleClips.Faces.values()[i % 3];
      videos.add(SampleClips.panningClip(folder.resolve(String.format(Locale.ROOT,
          "clip-%03d.mp4", i)), photo, faces, i, Codec.H264_MP4, 320, 180, 25, 25));
    }
    return videos;
  }

  private void submit(String bootstrapServers, String registryUrl, List<Path> videos) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000);
    Map<String, Object> registrySettings = Map.of("schema.registry.url", registryUrl);
    try (SchemaRegistryClient client = SchemaRegistries.connect(registrySettings);
        KafkaProducer<String, VideoEvent> producer = new KafkaProducer<>(props,
            new StringSerializer(), Topics.VIDEO_EVENTS.valueSerde(client, true).serializer())) {
      // Every clip once, and on round the list while stages are being killed, so that each
      // restarted stage has work waiting.
      for (int i = 0; i < videos.size() || !chaosOver.get(); i++) {
        Path video = videos.get(i % videos.size());
        VideoEvent event = VideoEvents.of(video.toUri(), video.getFileName().toString(), "chaos",
            null, Map.of(), Instant.now());
        VideoEvents.send(producer, List.of(event));
        submitted.add(event.getEventId().toString());
        Thread.sleep(settings.submitEvery().toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Reads the output topics with read_committed, noting when each last delivered. Assigned, not
   * in a group, so that its position survives the broker's restart; and a record it might read
   * twice anyway counts once, by its coordinates.
   */
  private void watch(String bootstrapServers, AtomicBoolean done) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props,
        new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (TopicDefinition<?> topic : OUTPUTS.values()) {
        for (int p = 0; p < topic.partitions(); p++) {
          partitions.add(new TopicPartition(topic.name(), p));
        }
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (!done.get()) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          arrivals.computeIfAbsent(new TopicPartition(record.topic(), record.partition()),
              tp -> new ConcurrentSkipListMap<>()).put(record.offset(), System.nanoTime());
          if (record.topic().equals(Topics.VERDICTS.name())) {
            verdicts.computeIfAbsent(record.key(), k -> ConcurrentHashMap.newKeySet())
                .add(record.partition() + "@" + record.offset());
          }
        }
      }
    }
  }

  /** The ends of a topic's partitions as read_committed consumers see them. */
  private static Map<TopicPartition, Long> committedEnds(Admin admin, TopicDefinition<?> topic)
      throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < topic.partitions(); p++) {
      latest.put(new TopicPartition(topic.name(), p), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get()
        .forEach((tp, info) -> ends.put(tp, info.offset()));
    return ends;
  }

  /** When the watcher read the first record past {@code ends}, or -1 after the timeout. */
  private long awaitOutput(Map<TopicPartition, Long> ends, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      long first = Long.MAX_VALUE;
      for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
        ConcurrentNavigableMap<Long, Long> read = arrivals.get(end.getKey());
        Map.Entry<Long, Long> past = read == null ? null : read.ceilingEntry(end.getValue());
        if (past != null) {
          first = Math.min(first, past.getValue());
        }
      }
      if (first != Long.MAX_VALUE) {
        return first;
      }
      Thread.sleep(20);
    }
    return -1;
  }

  private static long awaitReady(Iterable<StageChild> stages, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (StageChild stage : stages) {
      while (!stage.ready()) {
        if (!stage.alive() || System.nanoTime() > deadline) {
          throw new IllegalStateException(stage.stage() + " did not get ready: see "
              + stage.log());
        }
        Thread.sleep(20);
      }
    }
    return System.nanoTime();
  }

  private void awaitVerdicts(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline
        && !submitted.stream().allMatch(verdicts::containsKey)) {
      Thread.sleep(100);
    }
    // A duplicate would come with the others: read on a little.
    Thread.sleep(3000);
  }

  private static double seconds(long startedNanos) {
    return Math.round((System.nanoTime() - startedNanos) / 1e8) / 10.0;
  }
}
