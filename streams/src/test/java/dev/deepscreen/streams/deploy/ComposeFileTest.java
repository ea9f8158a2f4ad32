package dev.deepscreen.streams.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.streams.app.AppProperties;
import dev.deepscreen.streams.review.PasswordHash;
import dev.deepscreen.streams.review.ReviewConfig;
import dev.deepscreen.streams.review.ReviewServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml, checked without a Docker engine: against the Compose Specification's JSON
 * schema (fetched by the build, see streams/pom.xml), then for what the schema cannot know: that
 * the services, images, names and ports fit together and with the rest of the repository.
 */
class ComposeFileTest {
  private static final Path SCHEMA = Path.of("target", "compose-spec", "compose-spec.json");
  private static final List<String> STAGES = List.of("extract", "score", "aggregate");

  private static JsonNode compose;
  private static JsonNode services;

  @BeforeAll
  static void read() {
    compose = YamlFiles.document(Repository.file("docker-compose.yml"));
    services = compose.path("services");
  }

  @Test
  void conformsToTheComposeSpecification() throws IOException {
    Set<ValidationMessage> errors = validate(compose);

    assertThat(errors).isEmpty();
  }

  @Test
  void theSchemaRejectsWhatComposeRejects() throws IOException {
    JsonNode misspelt = compose.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) misspelt.path("services").path("kafka"))
        .put("healthcheck_", "x");
    JsonNode wrongType = compose.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) wrongType.path("services").path("score"))
        .put("depends_on", 3);

    assertThat(validate(misspelt)).isNotEmpty();
    assertThat(validate(wrongType)).isNotEmpty();
  }

  @Test
  void kafkaRunsInKraftModeAtTheProjectsKafkaVersion() {
    JsonNode kafka = services.path("kafka");
    JsonNode env = kafka.path("environment");

    assertThat(kafka.path("image").asText())
        .isEqualTo("apache/kafka:" + Repository.rootProperty("kafka.version"));
    assertThat(env.path("KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
    assertThat(env.path("KAFKA_CONTROLLER_QUORUM_VOTERS").asText()).startsWith(
        env.path("KAFKA_NODE_ID").asText() + "@kafka:");
    assertThat(env.path("KAFKA_ADVERTISED_LISTENERS").asText()).contains("PLAINTEXT://kafka:9092");
    // Topics come only from `deepscreen topics create`, with Topics' partitions and settings.
    assertThat(env.path("KAFKA_AUTO_CREATE_TOPICS_ENABLE").asText()).isEqualTo("false");
    assertThat(env.path("KAFKA_DEFAULT_REPLICATION_FACTOR").asInt()).isEqualTo(1);
  }

  @Test
  void theTopicsAreCreatedByTheCliBeforeAnyStageStarts() {
    JsonNode topics = services.path("topics");

    assertThat(strings(topics.path("command"))).containsSubsequence("topics", "create")
        .containsSubsequence("--replication-factor", "1");
    assertThat(image(topics)).contains(Image.STREAMS);
    for (String stage : STAGES) {
      assertThat(services.path(stage).path("depends_on").path("topics").path("condition").asText())
          .as(stage).isEqualTo("service_completed_successfully");
    }
  }

  @Test
  void eachStageRunsItsStageAgainstTheClusterWithAReadinessCheck() {
    for (String name : List.of("extract", "score", "score-gpu", "aggregate")) {
      JsonNode service = services.path(name);
      String stage = name.replace("-gpu", "");

      assertThat(strings(service.path("command"))).as(name)
          .containsExactly("run", stage, "--config", "/etc/deepscreen/stage.properties");
      assertThat(service.path("environment").path("DEEPSCREEN_BOOTSTRAP_SERVERS").asText())
          .isEqualTo("kafka:9092");
      assertThat(service.path("environment").path("DEEPSCREEN_SCHEMA_REGISTRY_URL").asText())
          .isEqualTo("http://schema-registry:8081");
      assertThat(strings(service.path("healthcheck").path("test")))
          .contains("http://127.0.0.1:8080/health/ready");
    }
  }

  @Test
  void theReviewServerIsOnDemandOnLoopbackWithItsReviewersFromTheEnvironment()
      throws IOException {
    JsonNode review = services.path("review");
    JsonNode environment = review.path("environment");
    Map<String, String> literals = new TreeMap<>();
    environment.fields().forEachRemaining(e -> {
      if (!e.getValue().isNull()) {
        literals.put(e.getKey(), e.getValue().asText());
      }
    });
    Map<String, String> settings = new TreeMap<>(AppProperties.load(null, literals));
    settings.put(ReviewConfig.USERS_CONFIG,
        "ada:" + PasswordHash.of("a long password".toCharArray(), 10_000));
    ReviewConfig config = new ReviewConfig(settings);

    assertThat(strings(review.path("command")))
        .containsExactly("review", "--config", "/etc/deepscreen/stage.properties");
    assertThat(image(review)).contains(Image.STREAMS);
    assertThat(strings(review.path("profiles"))).containsExactly("review");
    // The reviewers only from the environment compose runs in: no value, no default here.
    assertThat(environment.has("DEEPSCREEN_REVIEW_USERS")).isTrue();
    assertThat(environment.path("DEEPSCREEN_REVIEW_USERS").isNull()).isTrue();
    assertThat(config.bindAddress()).isEqualTo("0.0.0.0");
    assertThat(strings(review.path("ports")))
        .containsExactly("127.0.0.1:" + config.port() + ":" + config.port());
    assertThat(strings(review.path("healthcheck").path("test"))).contains(
        "http://127.0.0.1:" + config.port() + ReviewServer.HEALTH_PATH);
    // The videos as the extraction stage reads them.
    assertThat(environment.path("DEEPSCREEN_EXTRACT_FILE_ROOTS").asText()).isEqualTo(
        services.path("extract").path("environment").path("DEEPSCREEN_EXTRACT_FILE_ROOTS")
            .asText());
    assertThat(strings(review.path("volumes")))
        .isEqualTo(strings(services.path("extract").path("volumes")));
  }

  @Test
  void theGpuScorerIsOptionalAndReservesAnNvidiaGpu() {
    JsonNode gpu = services.path("score-gpu");
    JsonNode device = gpu.path("deploy").path("resources").path("reservations").path("devices")
        .path(0);

    assertThat(strings(gpu.path("profiles"))).containsExactly("gpu");
    assertThat(device.path("driver").asText()).isEqualTo("nvidia");
    assertThat(strings(device.path("capabilities"))).contains("gpu");
    assertThat(image(gpu)).contains(Image.SCORER_GPU);
    assertThat(gpu.path("environment").path("DEEPSCREEN_SCORE_DEVICE").asText()).isEqualTo("gpu");
    assertThat(services.path("score").path("environment").path("DEEPSCREEN_SCORE_DEVICE")
        .asText()).isEqualTo("cpu");
  }

  @Test
  void theConnectorConfigurationFitsTheServices() throws IOException {
    JsonNode connector = YamlFiles.JSON.readTree(
        Repository.file("connectors/config/verdicts-s3-sink.json").toFile()).path("config");
    URI registry = URI.create(connector.path("schema.registry.url").asText());
    URI store = URI.create(connector.path("s3.endpoint").asText());

    assertThat(connector.path("topics").asText()).isEqualTo(Topics.VERDICTS.name());
    JsonNode decisions = YamlFiles.JSON.readTree(Repository.file(
        "connectors/config/review-decisions-s3-sink.json").toFile()).path("config");
    assertThat(decisions.path("topics").asText()).isEqualTo(Topics.REVIEW_DECISIONS.name());
    assertThat(decisions.path("s3.endpoint").asText()).isEqualTo(store.toString());
    assertThat(decisions.path("s3.bucket.name").asText())
        .isEqualTo(connector.path("s3.bucket.name").asText());
    assertThat(services.has(registry.getHost())).as(registry.getHost()).isTrue();
    assertThat(strings(services.path(registry.getHost()).path("ports")))
        .anySatisfy(p -> assertThat(p).endsWith(":" + registry.getPort()));
    assertThat(services.has(store.getHost())).as(store.getHost()).isTrue();
    assertThat(services.path(store.getHost()).path("image").asText()).startsWith("minio/minio:");
    // The bucket is created before the worker starts.
    assertThat(String.join(" ", strings(services.path("s3-init").path("command"))))
        .contains("mc mb --ignore-existing")
        .contains("/" + connector.path("s3.bucket.name").asText());
    assertThat(services.path("connect").path("depends_on").path("s3-init").path("condition")
        .asText()).isEqualTo("service_completed_successfully");
  }

  @Test
  void theConnectorIsSubmittedToTheWorkerAtStart() {
    JsonNode init = services.path("connect-init");
    String script = String.join(" ", strings(init.path("command")));

    assertThat(strings(init.path("volumes")))
        .contains("./connectors/config/verdicts-s3-sink.json:/config/verdicts-s3-sink.json:ro",
            "./connectors/config/review-decisions-s3-sink.json"
                + ":/config/review-decisions-s3-sink.json:ro");
    assertThat(script).contains("--data @/config/$$1.json")
        .contains("submit verdicts-s3-sink && submit review-decisions-s3-sink")
        .contains("http://connect:8083/connectors").contains("201|409");
    assertThat(init.path("depends_on").path("connect").path("condition").asText())
        .isEqualTo("service_healthy");
    assertThat(image(services.path("connect"))).contains(Image.CONNECT);
    assertThat(Repository.read("connectors/config/connect-distributed.properties"))
        .contains("bootstrap.servers=kafka:9092").contains("plugin.path=/opt/kafka/plugins");
  }

  @Test
  void theExampleProducerSubmitsVideosTheExtractionStageMayRead() {
    JsonNode producer = services.path("producer");
    String entrypoint = String.join(" ", strings(producer.path("entrypoint")));

    assertThat(entrypoint).contains("deepscreen submit --config /etc/deepscreen/stage.properties");
    assertThat(strings(producer.path("volumes"))).containsExactly(
        "${DEEPSCREEN_VIDEO_DIR:-./videos}:/videos:ro");
    assertThat(strings(services.path("extract").path("volumes"))).containsExactly(
        "${DEEPSCREEN_VIDEO_DIR:-./videos}:/videos:ro");
    assertThat(services.path("extract").path("environment").path("DEEPSCREEN_EXTRACT_FILE_ROOTS")
        .asText()).isEqualTo("/videos");
  }

  @Test
  void ourImagesAreBuiltFromTheirDockerfileTargetsAtTheProjectVersion() {
    Map<String, Image> used = new TreeMap<>();
    services.fields().forEachRemaining(entry -> {
      String image = entry.getValue().path("image").asText();
      if (!image.startsWith(Image.PREFIX)) {
        assertThat(Image.tag(image)).as(entry.getKey()).isNotEmpty().isNotEqualTo("latest");
        return;
      }
      Image ours = image(entry.getValue())
          .orElseThrow(() -> new AssertionError("unknown " + image));
      JsonNode build = entry.getValue().path("build");
      assertThat(image).as(entry.getKey())
          .isEqualTo(ours.repository + ":${DEEPSCREEN_VERSION:-" + Repository.projectVersion()
              + "}");
      assertThat(build.path("context").asText()).isEqualTo(".");
      assertThat(build.path("dockerfile").asText()).isEqualTo(ours.dockerfile);
      assertThat(build.path("target").asText()).isEqualTo(ours.target);
      used.put(entry.getKey(), ours);
    });
    assertThat(used.values()).contains(Image.STREAMS, Image.SCORER_GPU, Image.CONNECT);
  }

  @Test
  void referencesBetweenServicesAndVolumesResolve() {
    Set<String> volumes = new java.util.TreeSet<>();
    compose.path("volumes").fieldNames().forEachRemaining(volumes::add);
    services.fields().forEachRemaining(entry -> {
      JsonNode service = entry.getValue();
      service.path("depends_on").fieldNames().forEachRemaining(dependency ->
          assertThat(services.has(dependency)).as(entry.getKey() + " -> " + dependency).isTrue());
      for (String mount : strings(service.path("volumes"))) {
        String source = mount.split(":")[0];
        if (source.startsWith("./")) {
          assertThat(Files.exists(Repository.file(source))).as(source).isTrue();
        } else if (!source.startsWith("${")) {
          assertThat(volumes).as(entry.getKey()).contains(source);
        }
      }
      boolean longRunning = service.path("restart").asText().equals("unless-stopped");
      if (longRunning) {
        assertThat(service.path("healthcheck").path("test").isMissingNode()
            && image(service).isEmpty())
            .as("%s has a health check", entry.getKey()).isFalse();
      }
    });
  }

  private static Set<ValidationMessage> validate(JsonNode document) throws IOException {
    assertThat(SCHEMA).as("the build unpacks the schema (generate-test-resources)").exists();
    JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
        .getSchema(SchemaLocation.of(SCHEMA.toAbsolutePath().toUri().toString()));
    return schema.validate(document);
  }

  /** A value with Compose's {@code ${NAME:-default}} interpolations replaced by the defaults. */
  private static String withDefaults(String value) {
    return value.replaceAll("\\$\\{\\w+:-([^}]*)}", "$1");
  }

  private static java.util.Optional<Image> image(JsonNode service) {
    return Image.of(withDefaults(service.path("image").asText()));
  }

  private static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      StreamSupport.stream(node.spliterator(), false).forEach(n -> out.add(n.asText()));
    } else if (!node.isMissingNode()) {
      out.add(node.asText());
    }
    return out;
  }
}
