package dev.deepscreen.streams.cli;

import dev.deepscreen.avro.VideoEvent;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import dev.deepscreen.schemas.serde.AvroSerdeConfig;
import dev.deepscreen.streams.app.StageRunner;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code deepscreen submit}: one {@link VideoEvent} per file or URI on the video-events topic,
 * printing {@code <event id> TAB <video id> TAB <uri>} for each.
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
    description = {"Submits videos for screening: one video event per file or URI. Files become"
        + " absolute file: URIs, which the extraction stage reads only under extract.file.roots.",
        "Prints one line per event: event id, video id and URI, separated by tabs."})
final class SubmitCommand implements Callable<Integer> {

  private final CommandContext context;
  private final Clock clock;

  @Mixin
  ConfigOption config;

  @Parameters(paramLabel = "FILE_OR_URI", arity = "1..*",
      description = "Video files, or file:, s3:, http(s): URIs.")
  List<String> references;

  @Option(names = "--video-id", paramLabel = "ID",
      description = "The video id, with a single video (default: the file name).")
  String videoId;

  @Option(names = "--source", paramLabel = "NAME", defaultValue = "deepscreen-cli",
      description = "The producing system recorded in the event (default: ${DEFAULT-VALUE}).")
  String source;

  @Option(names = "--tenant", paramLabel = "NAME", description = "The tenant of the videos.")
  String tenant;

  @Option(names = {"-a", "--attribute"}, paramLabel = "KEY=VALUE",
      description = "An attribute copied onto the verdict; repeatable.")
  Map<String, String> attributes = new LinkedHashMap<>();

  SubmitCommand(CommandContext context) {
    this(context, Clock.systemUTC());
  }

  SubmitCommand(CommandContext context, Clock clock) {
    this.context = context;
    this.clock = clock;
  }

  @Override
  public Integer call() {
    if (videoId != null && references.size() > 1) {
      throw new CommandException(StageRunner.EXIT_USAGE,
          "--video-id names one video; " + references.size() + " were given");
    }
    List<URI> uris = references.stream().map(VideoReferences::toUri).toList();
    ClientSettings settings = new ClientSettings(context.settings(config.file));
    AvroSerdeConfig serdeConfig = settings.serde();
    Map<String, Object> producerProps = settings.producer();
    producerProps.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
    producerProps.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    try (SchemaRegistryClient registry = settings.registry(serdeConfig);
        KafkaProducer<String, VideoEvent> producer = new KafkaProducer<>(producerProps,
            new StringSerializer(), Topics.VIDEO_EVENTS.valueSerde(registry,
                serdeConfig.autoRegisterSchemas()).serializer())) {
      List<VideoEvent> events = uris.stream().map(uri -> VideoEvents.of(uri,
          videoId != null ? videoId : VideoReferences.videoId(uri), source, tenant, attributes,
          clock.instant())).toList();
      VideoEvents.send(producer, events);
      for (VideoEvent event : events) {
        context.out().println(event.getEventId() + "\t" + event.getVideoId() + "\t"
            + event.getUri());
      }
      return StageRunner.EXIT_OK;
    }
  }
}
