package dev.deepscreen.streams.cli;

import dev.deepscreen.schemas.TopicDefinition;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.streams.app.StageRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code deepscreen topics}: the pipeline's topics on a cluster. */
@Command(name = "topics", mixinStandardHelpOptions = true,
    description = "Manages the pipeline's topics (see 'topics create').")
final class TopicsCommand implements Callable<Integer> {

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return StageRunner.EXIT_USAGE;
  }

  /**
   * {@code deepscreen topics create}: creates every topic of {@link Topics} with its partitions
   * and settings. Topics that exist are left as they are and compared with their definition;
   * any difference is reported and makes the exit code 1.
   */
  @Command(name = "create", mixinStandardHelpOptions = true,
      description = {"Creates every topic of the pipeline with its partitions, retention and"
          + " compaction settings. Existing topics are left unchanged and compared with the"
          + " definition: differences are listed and the exit code is 1."})
  static final class Create implements Callable<Integer> {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final CommandContext context;

    @Mixin
    ConfigOption config;

    @Option(names = {"-r", "--replication-factor"}, paramLabel = "N",
        description = "Replicas of each partition (default: the brokers' default.replication."
            + "factor).")
    Short replicationFactor;

    @Option(names = {"-p", "--partitions"}, paramLabel = "N",
        description = "Partitions of every topic instead of each topic's own count (the stages"
            + " need extraction-summaries and face-scores to have the same count).")
    Integer partitions;

    Create(CommandContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      if (replicationFactor != null && replicationFactor < 1) {
        throw new CommandException(StageRunner.EXIT_USAGE,
            "--replication-factor must be at least 1");
      }
      if (partitions != null && partitions < 1) {
        throw new CommandException(StageRunner.EXIT_USAGE, "--partitions must be at least 1");
      }
      ClientSettings settings = new ClientSettings(context.settings(config.file));
      try (Admin admin = Admin.create(settings.admin())) {
        Set<String> existing = get(admin.listTopics().names());
        List<TopicDefinition<?>> toCreate = Topics.all().stream()
            .filter(t -> !existing.contains(t.name())).toList();
        List<TopicDefinition<?>> toCompare = new ArrayList<>(Topics.all().stream()
            .filter(t -> existing.contains(t.name())).toList());
        toCompare.addAll(create(admin, toCreate));
        List<String> differences = compare(admin, toCompare);
        differences.forEach(context.err()::println);
        if (!differences.isEmpty()) {
          context.err().println(differences.size() + " difference(s) from the topic definitions;"
              + " existing topics are never changed by this command");
          return StageRunner.EXIT_FAILED;
        }
        return StageRunner.EXIT_OK;
      }
    }

    /** Creates the topics; returns those another client created meanwhile. */
    private List<TopicDefinition<?>> create(Admin admin, List<TopicDefinition<?>> topics) {
      if (topics.isEmpty()) {
        return List.of();
      }
      Map<String, KafkaFuture<Void>> results = admin.createTopics(topics.stream()
          .map(t -> new NewTopic(t.name(), Optional.of(partitionsOf(t)),
              Optional.ofNullable(replicationFactor)).configs(t.topicConfigs()))
          .toList()).values();
      List<TopicDefinition<?>> raced = new ArrayList<>();
      for (TopicDefinition<?> topic : topics) {
        try {
          get(results.get(topic.name()));
          context.out().println("created " + topic.name() + " (" + partitionsOf(topic)
              + " partitions)");
        } catch (CommandException e) {
          if (e.getCause() instanceof TopicExistsException) {
            raced.add(topic);
          } else {
            throw e;
          }
        }
      }
      return raced;
    }

    /** What differs between existing topics and their definitions, one line each. */
    private List<String> compare(Admin admin, List<TopicDefinition<?>> topics) {
      if (topics.isEmpty()) {
        return List.of();
      }
      Map<String, TopicDescription> descriptions = get(admin.describeTopics(
          topics.stream().map(TopicDefinition::name).toList()).allTopicNames());
      Map<ConfigResource, Config> configs = get(admin.describeConfigs(topics.stream()
          .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.name())).toList()).all());
      List<String> differences = new ArrayList<>();
      for (TopicDefinition<?> topic : topics) {
        TopicDescription description = descriptions.get(topic.name());
        Config actual = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()));
        List<String> diffs = new ArrayList<>();
        int actualPartitions = description.partitions().size();
        if (actualPartitions != partitionsOf(topic)) {
          diffs.add("partitions " + actualPartitions + ", defined " + partitionsOf(topic));
        }
        int replicas = description.partitions().get(0).replicas().size();
        if (replicationFactor != null && replicas != replicationFactor) {
          diffs.add("replication factor " + replicas + ", asked " + replicationFactor);
        }
        topic.sortedTopicConfigs().forEach((name, value) -> {
          ConfigEntry entry = actual.get(name);
          String current = entry == null ? null : entry.value();
          if (!value.equals(current)) {
            diffs.add(name + " " + current + ", defined " + value);
          }
        });
        if (diffs.isEmpty()) {
          context.out().println("exists " + topic.name() + " (" + actualPartitions
              + " partitions, " + replicas + " replicas)");
        } else {
          differences.add("differs " + topic.name() + ": " + String.join("; ", diffs));
        }
      }
      return differences;
    }

    private int partitionsOf(TopicDefinition<?> topic) {
      return partitions != null ? partitions : topic.partitions();
    }

    private static <T> T get(KafkaFuture<T> future) {
      try {
        return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CommandException(StageRunner.EXIT_FAILED, "Interrupted", e);
      } catch (ExecutionException e) {
        throw new CommandException(StageRunner.EXIT_FAILED, "The cluster refused: "
            + e.getCause().getMessage(), e.getCause());
      } catch (TimeoutException e) {
        throw new CommandException(StageRunner.EXIT_FAILED, "No answer from the cluster within "
            + TIMEOUT.toSeconds() + " s (check bootstrap.servers and the security settings)", e);
      }
    }
  }
}
