package dev.deepscreen.streams.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deepscreen.schemas.TopicDefinition;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.streams.aggregate.AggregateConfig;
import dev.deepscreen.streams.app.AppProperties;
import dev.deepscreen.streams.app.StageConfig;
import dev.deepscreen.streams.extract.ExtractConfig;
import dev.deepscreen.streams.review.PasswordHash;
import dev.deepscreen.streams.review.ReviewConfig;
import dev.deepscreen.streams.review.ReviewServer;
import dev.deepscreen.streams.score.ScoreConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.common.template.ContainerEnvVar;
import io.strimzi.api.kafka.model.connect.KafkaConnect;
import io.strimzi.api.kafka.model.connect.build.DockerOutput;
import io.strimzi.api.kafka.model.connect.build.ZipArtifact;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kubernetes manifests as each kustomization yields them (the base and the overlays dev and
 * gpu, built by the real {@link Kustomize}), read into fabric8's, Strimzi's and KEDA's types with
 * unknown fields refused, then checked against the rest of the repository: the topics against
 * {@link Topics}, the connector against connectors/config, the images against the Dockerfiles,
 * the stages against the runtime contract (probes, settings, consumer groups).
 */
class KubernetesManifestsTest {
  private static final Map<String, Build> BUILDS = new HashMap<>();

  /** The stages' Kafka Streams application ids, which are their consumer groups. */
  private static final Map<String, String> APPLICATION_IDS = Map.of(
      "extract", ExtractConfig.APPLICATION_ID_DEFAULT,
      "score", ScoreConfig.APPLICATION_ID_DEFAULT,
      "aggregate", AggregateConfig.APPLICATION_ID_DEFAULT);
  private static final Map<String, TopicDefinition<?>> INPUTS = Map.of(
      "extract", Topics.VIDEO_EVENTS, "score", Topics.FACE_CROPS);

  /** The reviewers' Secret: the cluster's operator creates it (README); no file holds one. */
  private static final String REVIEW_USERS_SECRET = "deepscreen-review-users";

  /** Secrets the cluster's operator creates (README), per kustomization. */
  private static final Map<String, Set<String>> EXTERNAL_SECRETS = Map.of(
      "base", Set.of("deepscreen-object-store", "deepscreen-registry", REVIEW_USERS_SECRET),
      "overlays/gpu", Set.of("deepscreen-object-store", "deepscreen-registry",
          REVIEW_USERS_SECRET),
      "overlays/dev", Set.of("deepscreen-registry", REVIEW_USERS_SECRET));

  /** The typed resources of one kustomization. */
  record Build(String name, List<Object> objects) {
    <T> List<T> all(Class<T> type) {
      return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T> T one(Class<T> type, String name) {
      List<T> found = all(type).stream()
          .filter(o -> KubernetesObjects.name(o).equals(name)).toList();
      assertThat(found).as("%s %s in %s", type.getSimpleName(), name, this.name).hasSize(1);
      return found.get(0);
    }

    /**
     * The generated resource {@code name}: kustomize appends a hash of its contents,
     * {@code <name>-<10 characters>}.
     */
    <T> T generated(Class<T> type, String name) {
      List<T> found = all(type).stream()
          .filter(o -> KubernetesObjects.name(o).matches(name + "-[a-z0-9]{10}")).toList();
      assertThat(found).as("generated %s %s in %s", type.getSimpleName(), name, this.name)
          .hasSize(1);
      return found.get(0);
    }

    <T> T only(Class<T> type) {
      assertThat(all(type)).as("%s in %s", type.getSimpleName(), name).hasSize(1);
      return all(type).get(0);
    }

    /** The Deployments and StatefulSets. */
    List<Workload> workloads() {
      List<Workload> workloads = new ArrayList<>();
      all(Deployment.class).forEach(d -> workloads.add(new Workload(d,
          d.getSpec().getSelector(), d.getSpec().getTemplate(), d.getSpec().getReplicas())));
      all(StatefulSet.class).forEach(s -> workloads.add(new Workload(s,
          s.getSpec().getSelector(), s.getSpec().getTemplate(), s.getSpec().getReplicas())));
      return workloads;
    }

    /** The stage's Deployment or StatefulSet. */
    Workload stage(String stage) {
      List<Workload> found = workloads().stream()
          .filter(w -> w.resource().getMetadata().getName().equals(stage)).toList();
      assertThat(found).as("workload %s in %s", stage, name).hasSize(1);
      return found.get(0);
    }
  }

  /** What a Deployment and a StatefulSet have in common: pods from a template. */
  record Workload(HasMetadata resource, LabelSelector selector, PodTemplateSpec template,
      Integer replicas) {
    PodSpec pod() {
      return template.getSpec();
    }

    /** Kind/name. */
    String id() {
      return resource.getKind() + "/" + resource.getMetadata().getName();
    }
  }

  static Build build(String kustomization) {
    return BUILDS.computeIfAbsent(kustomization,
        k -> build(k, Repository.file("k8s/" + k)));
  }

  private static Build build(String name, Path directory) {
    List<Object> objects = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (ObjectNode resource : Kustomize.build(directory)) {
      try {
        objects.add(KubernetesObjects.read(resource));
      } catch (IllegalArgumentException e) {
        errors.add(e.getMessage());
      }
    }
    assertThat(errors).as("manifests of %s", name).isEmpty();
    return new Build(name, objects);
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/gpu"})
  void everyResourceIsAKnownKindWithOnlyKnownFieldsAndAUniqueName(String kustomization) {
    Build build = build(kustomization);
    Map<String, Integer> names = new TreeMap<>();
    for (Object object : build.objects()) {
      names.merge(object.getClass().getSimpleName() + "/" + KubernetesObjects.name(object), 1,
          Integer::sum);
      if (object instanceof HasMetadata resource && !(resource.getKind().equals("Namespace"))) {
        assertThat(resource.getMetadata().getNamespace()).isEqualTo("deepscreen");
      }
    }
    assertThat(names).allSatisfy((name, count) -> assertThat(count).as(name).isEqualTo(1));
    assertThat(names).containsKeys("Kafka/deepscreen", "KafkaConnect/deepscreen",
        "KafkaConnector/verdicts-s3-sink", "KafkaConnector/review-decisions-s3-sink",
        "Deployment/extract", "Deployment/score", "StatefulSet/aggregate", "Service/aggregate",
        "Deployment/schema-registry", "Deployment/review", "Service/review",
        "NetworkPolicy/review", "Job/trainer");
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/gpu"})
  void theTopicsAreTheOnesTopicsDefines(String kustomization) {
    Build build = build(kustomization);
    Kafka kafka = build.only(Kafka.class);
    Map<String, String> expected = new TreeMap<>();
    for (TopicDefinition<?> topic : Topics.all()) {
      expected.put(topic.name(), topic.partitions() + " " + topic.sortedTopicConfigs());
    }
    Map<String, String> declared = new TreeMap<>();
    for (KafkaTopic topic : build.all(KafkaTopic.class)) {
      Map<String, String> config = new TreeMap<>();
      topic.getSpec().getConfig().forEach((k, v) -> config.put(k, String.valueOf(v)));
      declared.put(topic.getSpec().getTopicName(), topic.getSpec().getPartitions() + " " + config);
      assertThat(topic.getMetadata().getLabels()).containsEntry("strimzi.io/cluster",
          kafka.getMetadata().getName());
      // Replicas: the brokers' default.replication.factor, set once per cluster.
      assertThat(topic.getSpec().getReplicas()).isNull();
    }
    assertThat(declared).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/gpu"})
  void kafkaRunsInKraftModeOnNodePoolsWithReplicationItCanMeet(String kustomization) {
    Build build = build(kustomization);
    Kafka kafka = build.only(Kafka.class);
    Map<String, Object> config = kafka.getSpec().getKafka().getConfig();
    int brokers = 0;
    int controllers = 0;
    for (KafkaNodePool pool : build.all(KafkaNodePool.class)) {
      assertThat(pool.getMetadata().getLabels())
          .containsEntry("strimzi.io/cluster", kafka.getMetadata().getName());
      if (pool.getSpec().getRoles().contains(ProcessRoles.BROKER)) {
        brokers += pool.getSpec().getReplicas();
      }
      if (pool.getSpec().getRoles().contains(ProcessRoles.CONTROLLER)) {
        controllers += pool.getSpec().getReplicas();
      }
    }
    int replication = ((Number) config.get("default.replication.factor")).intValue();
    int minInSync = ((Number) config.get("min.insync.replicas")).intValue();

    assertThat(controllers % 2).as("controllers form an odd quorum").isEqualTo(1);
    assertThat(brokers).isGreaterThanOrEqualTo(replication);
    assertThat(minInSync).isLessThanOrEqualTo(replication);
    if (replication > 1) {
      assertThat(minInSync).as("one broker may be down").isLessThan(replication);
    }
    for (String key : List.of("offsets.topic.replication.factor",
        "transaction.state.log.replication.factor")) {
      assertThat(((Number) config.get(key)).intValue()).as(key).isEqualTo(replication);
    }
    assertThat(config.get("auto.create.topics.enable")).isEqualTo(false);
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/gpu"})
  void eachConnectorIsTheRepositorysConfigurationOnAConnectClusterWithThePlugin(
      String kustomization) throws IOException {
    Build build = build(kustomization);
    assertThat(build.all(KafkaConnector.class)).extracting(KubernetesObjects::name)
        .containsExactlyInAnyOrder(CONNECTOR_CONFIGS.toArray(String[]::new));
    for (String name : CONNECTOR_CONFIGS) {
      checkConnector(build, name);
    }
  }

  /** The connector configurations in connectors/config, each declared as a KafkaConnector. */
  private static final List<String> CONNECTOR_CONFIGS =
      List.of("verdicts-s3-sink", "review-decisions-s3-sink");

  private static void checkConnector(Build build, String name) throws IOException {
    Kafka kafka = build.only(Kafka.class);
    KafkaConnect connect = build.only(KafkaConnect.class);
    KafkaConnector connector = build.one(KafkaConnector.class, name);
    JsonNode file = YamlFiles.JSON.readTree(
        Repository.file("connectors/config/" + name + ".json").toFile());
    Map<String, String> expected = new TreeMap<>();
    file.path("config").fields().forEachRemaining(e -> expected.put(e.getKey(),
        e.getValue().asText()));
    Map<String, String> declared = new TreeMap<>();
    connector.getSpec().getConfig().forEach((k, v) -> declared.put(k, String.valueOf(v)));
    declared.put("connector.class", connector.getSpec().getClassName());
    declared.put("tasks.max", String.valueOf(connector.getSpec().getTasksMax()));
    // The dead-letter topic is created with the cluster's replication.
    String dlqReplication = "errors.deadletterqueue.topic.replication.factor";
    assertThat(declared.remove(dlqReplication)).isEqualTo(
        String.valueOf(kafka.getSpec().getKafka().getConfig().get("default.replication.factor")));
    expected.remove(dlqReplication);

    assertThat(connector.getMetadata().getName()).isEqualTo(file.path("name").asText());
    assertThat(declared).isEqualTo(expected);
    assertThat(connector.getMetadata().getLabels())
        .containsEntry("strimzi.io/cluster", connect.getMetadata().getName());
    assertThat(connect.getMetadata().getAnnotations())
        .containsEntry("strimzi.io/use-connector-resources", "true");
    assertThat(connect.getSpec().getBootstrapServers()).isEqualTo(bootstrap(kafka));

    ZipArtifact zip = (ZipArtifact) connect.getSpec().getBuild().getPlugins().get(0)
        .getArtifacts().get(0);
    assertThat(URI.create(zip.getUrl()).getPath())
        .endsWith("/deepscreen-s3-sink-" + Repository.projectVersion() + ".zip");
    DockerOutput output = (DockerOutput) connect.getSpec().getBuild().getOutput();
    assertThat(Image.tag(output.getImage())).isEqualTo(Repository.projectVersion());
    // The sink reads its credentials from the environment (the AWS default chain).
    assertThat(connect.getSpec().getTemplate().getConnectContainer().getEnv())
        .extracting(ContainerEnvVar::getName)
        .containsExactlyInAnyOrder("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/gpu"})
  void stagesRunTheirStageWithProbesResourcesAndTheSharedSettings(String kustomization)
      throws IOException {
    Build build = build(kustomization);
    Kafka kafka = build.only(Kafka.class);
    Properties settings = new Properties();
    settings.load(new StringReader(
        build.generated(ConfigMap.class, "deepscreen-stages").getData().get("stage.properties")));
    URI registry = URI.create(settings.getProperty("schema.registry.url"));
    Service registryService = build.one(Service.class, registry.getHost());

    assertThat(settings.getProperty("bootstrap.servers")).isEqualTo(bootstrap(kafka));
    assertThat(registryService.getSpec().getPorts()).anySatisfy(
        p -> assertThat(p.getPort()).isEqualTo(registry.getPort()));
    assertThat(settings.getProperty("http.port")).isEqualTo("8080");
    for (String stage : APPLICATION_IDS.keySet()) {
      PodSpec pod = build.stage(stage).pod();
      Container container = pod.getContainers().get(0);

      assertThat(container.getArgs()).as(stage)
          .containsExactly("run", stage, "--config", "/etc/deepscreen/stage.properties");
      assertThat(container.getPorts()).anySatisfy(p -> {
        assertThat(p.getName()).isEqualTo("http");
        assertThat(p.getContainerPort()).isEqualTo(8080);
      });
      assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health/live");
      assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/ready");
      assertThat(container.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
      assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal())
          .isEqualTo("http");
      assertThat(container.getVolumeMounts()).anySatisfy(m -> {
        assertThat(m.getMountPath()).isEqualTo("/etc/deepscreen");
        assertThat(volume(pod, m.getName()).getConfigMap().getName()).isEqualTo(
            build.generated(ConfigMap.class, "deepscreen-stages").getMetadata().getName());
      });
      assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/gpu"})
  void theReviewServerServesItsServiceWithReviewersFromASecretAndSecureCookies(
      String kustomization) throws IOException {
    Build build = build(kustomization);
    Deployment review = build.one(Deployment.class, "review");
    PodSpec pod = review.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);
    Container extract = build.stage("extract").pod().getContainers().get(0);
    ConfigMap stages = build.generated(ConfigMap.class, "deepscreen-stages");
    Map<String, String> settings = settings(build, container);
    EnvVar users = container.getEnv().stream()
        .filter(e -> e.getName().equals("DEEPSCREEN_REVIEW_USERS")).findFirst()
        .orElseThrow(() -> new AssertionError("no DEEPSCREEN_REVIEW_USERS"));
    String hash = PasswordHash.of("a long password".toCharArray(), 10_000).toString();
    settings.put(ReviewConfig.USERS_CONFIG, "ada:" + hash);
    ReviewConfig config = new ReviewConfig(settings);
    int port = port(container, "http");

    assertThat(review.getSpec().getReplicas()).as("sessions live in one process").isEqualTo(1);
    assertThat(container.getArgs()).containsExactly("review", "--config",
        "/etc/deepscreen/stage.properties");
    assertThat(Image.of(container.getImage())).isEqualTo(Image.of(extract.getImage()));
    // The reviewers come from the Secret only: no literal, no settings-file entry.
    assertThat(users.getValue()).isNull();
    assertThat(users.getValueFrom().getSecretKeyRef().getName()).isEqualTo(REVIEW_USERS_SECRET);
    assertThat(users.getValueFrom().getSecretKeyRef().getOptional()).isNotEqualTo(true);
    assertThat(build.all(Secret.class)).extracting(KubernetesObjects::name)
        .doesNotContain(REVIEW_USERS_SECRET);
    assertThat(stages.getData().get("stage.properties")).doesNotContain("review.users");
    // Reachable through the Service inside the pod's network, cookies for HTTPS only.
    assertThat(config.bindAddress()).isEqualTo("0.0.0.0");
    assertThat(config.cookieSecure()).isTrue();
    assertThat(config.port()).isEqualTo(port);
    for (io.fabric8.kubernetes.api.model.Probe probe : List.of(container.getReadinessProbe(),
        container.getLivenessProbe())) {
      assertThat(probe.getHttpGet().getPath()).isEqualTo(ReviewServer.HEALTH_PATH);
      assertThat(port(container, probe.getHttpGet().getPort().getStrVal())).isEqualTo(port);
    }
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).contains("ALL");
    assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getConfigMap()).isNotNull()
        .satisfies(c -> assertThat(c.getName()).isEqualTo(stages.getMetadata().getName())));

    Map<String, String> labels = review.getSpec().getTemplate().getMetadata().getLabels();
    Service service = build.one(Service.class, "review");
    assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(service.getSpec().getSelector().entrySet()).isSubsetOf(labels.entrySet());
    assertThat(service.getSpec().getPorts()).singleElement().satisfies(p ->
        assertThat(port(container, p.getTargetPort().getStrVal())).isEqualTo(port));
    List<NetworkPolicy> policies = build.all(NetworkPolicy.class).stream()
        .filter(p -> labels.entrySet().containsAll(
            p.getSpec().getPodSelector().getMatchLabels().entrySet())).toList();
    assertThat(policies).isNotEmpty().allSatisfy(policy -> {
      assertThat(policy.getSpec().getPolicyTypes()).contains("Ingress", "Egress");
      assertThat(policy.getSpec().getIngress()).allSatisfy(rule -> assertThat(rule.getPorts())
          .isNotEmpty().allSatisfy(p -> assertThat(p.getPort().getIntVal()).isEqualTo(port)));
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/gpu"})
  void everyPodRunsAsNonRootWithResourcesAndPinnedImages(String kustomization) {
    Build build = build(kustomization);
    for (Map.Entry<String, PodSpec> pod : pods(build).entrySet()) {
      PodSpec spec = pod.getValue();
      assertThat(spec.getSecurityContext().getRunAsNonRoot()).as(pod.getKey()).isTrue();
      for (Container container : containers(spec)) {
        String where = pod.getKey() + "/" + container.getName();
        Map<String, Quantity> requests = container.getResources().getRequests();
        Map<String, Quantity> limits = container.getResources().getLimits();
        assertThat(requests).as(where).containsKeys("cpu", "memory");
        assertThat(limits).as(where).containsKey("memory");
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).as(where)
            .isFalse();
        String image = container.getImage();
        if (image.startsWith(Image.PREFIX)) {
          assertThat(Image.of(image)).as(where).isPresent();
          assertThat(Image.tag(image)).as(where).isEqualTo(Repository.projectVersion());
        } else {
          assertThat(Image.tag(image)).as(where).isNotEmpty().isNotEqualTo("latest");
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/gpu"})
  void everyStageHasADisruptionBudgetAndANetworkPolicy(String kustomization) {
    Build build = build(kustomization);
    for (String stage : APPLICATION_IDS.keySet()) {
      Map<String, String> labels = build.stage(stage).template().getMetadata().getLabels();
      assertThat(build.stage(stage).selector().getMatchLabels().entrySet())
          .isSubsetOf(labels.entrySet());
      assertThat(build.all(PodDisruptionBudget.class)).as(stage).anySatisfy(pdb ->
          assertThat(pdb.getSpec().getSelector().getMatchLabels().entrySet())
              .isSubsetOf(labels.entrySet()));
      assertThat(build.all(NetworkPolicy.class)).as(stage).anySatisfy(policy -> {
        assertThat(policy.getSpec().getPodSelector().getMatchLabels().entrySet())
            .isSubsetOf(labels.entrySet());
        assertThat(policy.getSpec().getPolicyTypes()).contains("Ingress", "Egress");
      });
    }
  }

  /**
   * The aggregation stage is a StatefulSet: a replaced pod keeps its name, so it is the same
   * static member of the group, and its stores' volume.
   */
  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/gpu"})
  void theAggregationStageKeepsItsMembershipAndItsStoresWhenItsPodIsReplaced(
      String kustomization) throws IOException {
    Build build = build(kustomization);
    StatefulSet aggregate = build.one(StatefulSet.class, "aggregate");
    PodSpec pod = aggregate.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);
    Map<String, String> labels = aggregate.getSpec().getTemplate().getMetadata().getLabels();
    Map<String, String> settings = settings(build, container);
    Service governing = build.one(Service.class, aggregate.getSpec().getServiceName());
    Map<String, String> selector = governing.getSpec().getSelector();
    String instanceIdVariable = AppProperties.ENV_PREFIX
        + StageConfig.GROUP_INSTANCE_ID_CONFIG.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
    Path stateDir = Path.of(settings.get(StreamsConfig.STATE_DIR_CONFIG));
    // The mount that holds state.dir: the deepest one at or above it.
    VolumeMount state = container.getVolumeMounts().stream()
        .filter(m -> stateDir.startsWith(Path.of(m.getMountPath())))
        .max(java.util.Comparator.comparingInt(m -> Path.of(m.getMountPath()).getNameCount()))
        .orElseThrow(() -> new AssertionError("nothing mounted at " + stateDir));

    assertThat(aggregate.getSpec().getPodManagementPolicy())
        .as("all replicas start together, so that the group balances once").isEqualTo("Parallel");
    assertThat(aggregate.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(aggregate.getSpec().getSelector().getMatchLabels().entrySet())
        .isSubsetOf(labels.entrySet());
    // The governing Service: headless, selecting these pods and no others, on their HTTP port.
    assertThat(governing.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(selector).isNotEmpty();
    assertThat(selector.entrySet()).isSubsetOf(labels.entrySet());
    assertThat(build.workloads()).filteredOn(w -> w.resource() != aggregate)
        .allSatisfy(w -> assertThat(w.template().getMetadata().getLabels().entrySet()
            .containsAll(selector.entrySet())).as("%s selected", w.id()).isFalse());
    assertThat(governing.getSpec().getPorts()).singleElement().satisfies(p ->
        assertThat(port(container, p.getTargetPort().getStrVal()))
            .isEqualTo(Integer.parseInt(settings.get("http.port"))));
    // Static membership under the pod's name, which the StatefulSet keeps across replacements.
    assertThat(container.getEnv()).filteredOn(e -> e.getName().equals(instanceIdVariable))
        .singleElement().satisfies(e -> {
          assertThat(e.getValue()).isNull();
          assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        });
    // The stores on a claim of each pod's own, not on a volume that goes with the pod.
    assertThat(pod.getVolumes()).extracting(Volume::getName).doesNotContain(state.getName());
    assertThat(aggregate.getSpec().getVolumeClaimTemplates())
        .filteredOn(c -> c.getMetadata().getName().equals(state.getName()))
        .singleElement().satisfies(claim -> {
          assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
          assertThat(claim.getSpec().getResources().getRequests()).containsKey("storage");
          assertThat(claim.getSpec().getStorageClassName()).as("the cluster's default class")
              .isNull();
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/gpu"})
  void stagesScaleOnTheLagOfTheirConsumerGroupUpToTheirPartitions(String kustomization) {
    Build build = build(kustomization);
    Kafka kafka = build.only(Kafka.class);
    List<ScaledObject> scalers = build.all(ScaledObject.class);

    assertThat(scalers).extracting(s -> s.spec().scaleTargetRef().name())
        .containsExactlyInAnyOrderElementsOf(INPUTS.keySet());
    for (ScaledObject scaler : scalers) {
      String stage = scaler.spec().scaleTargetRef().name();
      ScaledObject.Trigger trigger = scaler.spec().triggers().get(0);
      TopicDefinition<?> input = INPUTS.get(stage);

      assertThat(scaler.spec().triggers()).hasSize(1);
      assertThat(trigger.type()).isEqualTo("kafka");
      assertThat(ScaledObject.KAFKA_TRIGGER_KEYS).containsAll(trigger.metadata().keySet());
      assertThat(trigger.metadata()).containsEntry("topic", input.name())
          .containsEntry("consumerGroup", APPLICATION_IDS.get(stage))
          .containsEntry("bootstrapServers", bootstrap(kafka).replace(":",
              "." + kafka.getMetadata().getNamespace() + ".svc:"));
      assertThat(Integer.parseInt(trigger.metadata().get("lagThreshold"))).isPositive();
      assertThat(scaler.spec().maxReplicaCount()).isLessThanOrEqualTo(input.partitions());
      assertThat(scaler.spec().minReplicaCount()).isPositive();
      // KEDA's default target kind; it owns the replica count, which a fixed one would reset at
      // every apply.
      assertThat(scaler.spec().scaleTargetRef().kind()).isNull();
      assertThat(build.one(Deployment.class, stage).getSpec().getReplicas()).as(stage).isNull();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/gpu"})
  void referencedConfigMapsSecretsAndClaimsExist(String kustomization) {
    Build build = build(kustomization);
    Set<String> configMaps = names(build, ConfigMap.class);
    Set<String> secrets = new java.util.TreeSet<>(names(build, Secret.class));
    secrets.addAll(EXTERNAL_SECRETS.get(kustomization));
    Set<String> claims = names(build, PersistentVolumeClaim.class);

    for (Map.Entry<String, PodSpec> pod : pods(build).entrySet()) {
      for (Volume volume : pod.getValue().getVolumes()) {
        if (volume.getConfigMap() != null) {
          assertThat(configMaps).as(pod.getKey()).contains(volume.getConfigMap().getName());
        }
        if (volume.getSecret() != null) {
          assertThat(secrets).as(pod.getKey()).contains(volume.getSecret().getSecretName());
        }
        if (volume.getPersistentVolumeClaim() != null) {
          assertThat(claims).as(pod.getKey())
              .contains(volume.getPersistentVolumeClaim().getClaimName());
        }
      }
      for (Container container : containers(pod.getValue())) {
        for (EnvFromSource from : container.getEnvFrom()) {
          if (from.getConfigMapRef() != null) {
            assertThat(configMaps).contains(from.getConfigMapRef().getName());
          }
          if (from.getSecretRef() != null) {
            assertThat(secrets).contains(from.getSecretRef().getName());
          }
        }
        for (EnvVar env : container.getEnv()) {
          if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
            assertThat(secrets).contains(env.getValueFrom().getSecretKeyRef().getName());
          }
        }
      }
    }
    for (Workload workload : build.workloads()) {
      Set<String> volumes = new java.util.TreeSet<>();
      workload.pod().getVolumes().forEach(v -> volumes.add(v.getName()));
      if (workload.resource() instanceof StatefulSet set) {
        set.getSpec().getVolumeClaimTemplates()
            .forEach(c -> volumes.add(c.getMetadata().getName()));
      }
      for (Container container : containers(workload.pod())) {
        assertThat(container.getVolumeMounts()).allSatisfy(m ->
            assertThat(volumes).as("%s/%s", workload.id(), container.getName())
                .contains(m.getName()));
      }
    }
    KafkaConnect connect = build.only(KafkaConnect.class);
    assertThat(secrets).contains(
        ((DockerOutput) connect.getSpec().getBuild().getOutput()).getPushSecret());
    connect.getSpec().getTemplate().getConnectContainer().getEnv().forEach(env ->
        assertThat(secrets).contains(env.getValueFrom().getSecretKeyRef().getName()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/gpu"})
  void scorersLoadTheEnsembleTheTrainerWrites(String kustomization) {
    Build build = build(kustomization);
    PodSpec score = build.stage("score").pod();
    Container fetch = score.getInitContainers().get(0);
    Container scorer = score.getContainers().get(0);
    Job trainer = build.one(Job.class, "trainer");
    PodSpec training = trainer.getSpec().getTemplate().getSpec();
    Container upload = training.getContainers().get(0);

    assertThat(build.one(ConfigMap.class, "deepscreen-models").getData())
        .containsKeys("ENSEMBLE_URI", "AWS_ENDPOINT_URL");
    assertThat(fetch.getEnvFrom()).anySatisfy(f ->
        assertThat(f.getConfigMapRef().getName()).isEqualTo("deepscreen-models"));
    assertThat(upload.getEnvFrom()).anySatisfy(f ->
        assertThat(f.getConfigMapRef().getName()).isEqualTo("deepscreen-models"));
    assertThat(String.join(" ", fetch.getArgs())).contains("\"$ENSEMBLE_URI\" /models/ensemble");
    assertThat(String.join(" ", upload.getArgs())).contains("/work/ensemble \"$ENSEMBLE_URI\"");
    assertThat(env(scorer)).containsEntry("DEEPSCREEN_SCORE_ENSEMBLE_DIR", "/models/ensemble");
    assertThat(scorer.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath())
        .isEqualTo("/models"));
    assertThat(trainer.getSpec().getSuspend()).as("training starts on demand").isTrue();
    assertThat(Image.of(training.getInitContainers().get(0).getImage()).orElseThrow().module)
        .isEqualTo("trainer");
  }

  @Test
  void theGpuOverlayPutsScoringAndTrainingOnGpuNodes() {
    Build build = build("overlays/gpu");
    PodSpec score = build.stage("score").pod();
    PodSpec training = build.one(Job.class, "trainer").getSpec().getTemplate().getSpec();

    assertThat(Image.of(score.getContainers().get(0).getImage())).contains(Image.SCORER_GPU);
    assertThat(env(score.getContainers().get(0))).containsEntry("DEEPSCREEN_SCORE_DEVICE", "gpu");
    assertThat(Image.of(training.getInitContainers().get(0).getImage()))
        .contains(Image.TRAINER_GPU);
    for (Map.Entry<String, Container> gpu : Map.of("score", score.getContainers().get(0),
        "trainer", training.getInitContainers().get(0)).entrySet()) {
      assertThat(gpu.getValue().getResources().getLimits())
          .as(gpu.getKey()).containsEntry("nvidia.com/gpu", new Quantity("1"));
    }
    for (PodSpec pod : List.of(score, training)) {
      assertThat(pod.getNodeSelector()).containsEntry("nvidia.com/gpu.present", "true");
      assertThat(pod.getTolerations()).anySatisfy(t -> {
        assertThat(t.getKey()).isEqualTo("nvidia.com/gpu");
        assertThat(t.getEffect()).isEqualTo("NoSchedule");
      });
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev"})
  void withoutTheGpuOverlayNothingAsksForAGpu(String kustomization) {
    Build build = build(kustomization);
    for (Map.Entry<String, PodSpec> pod : pods(build).entrySet()) {
      for (Container container : containers(pod.getValue())) {
        assertThat(container.getResources().getLimits()).as(pod.getKey())
            .doesNotContainKey("nvidia.com/gpu");
        assertThat(Image.of(container.getImage()).map(i -> i.gpu)).as(pod.getKey())
            .isNotEqualTo(java.util.Optional.of(true));
      }
    }
    assertThat(env(build.stage("score").pod().getContainers().get(0)))
        .containsEntry("DEEPSCREEN_SCORE_DEVICE", "cpu");
  }

  @Test
  void theDevOverlayRunsOnOneNodeWithMinioAndTheDefaultEnsemble() throws IOException {
    Build build = build("overlays/dev");
    Kafka kafka = build.only(Kafka.class);
    PodSpec score = build.stage("score").pod();
    JsonNode connector = YamlFiles.JSON.readTree(
        Repository.file("connectors/config/verdicts-s3-sink.json").toFile()).path("config");
    URI store = URI.create(connector.path("s3.endpoint").asText());
    Service s3 = build.one(Service.class, store.getHost());
    String buckets = String.join(" ", build.one(Job.class, "s3-buckets").getSpec().getTemplate()
        .getSpec().getContainers().get(0).getArgs());

    assertThat(build.all(KafkaNodePool.class)).allSatisfy(pool ->
        assertThat(pool.getSpec().getReplicas()).isEqualTo(1));
    assertThat(build.stage("aggregate").replicas()).isEqualTo(1);
    assertThat(kafka.getSpec().getKafka().getConfig()).containsEntry("default.replication.factor",
        1);
    assertThat(score.getInitContainers()).isEmpty();
    assertThat(env(score.getContainers().get(0))).doesNotContainKey(
        "DEEPSCREEN_SCORE_ENSEMBLE_DIR");
    assertThat(s3.getSpec().getPorts()).anySatisfy(p ->
        assertThat(p.getPort()).isEqualTo(store.getPort()));
    assertThat(build.one(Secret.class, "deepscreen-object-store").getData())
        .containsKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
    assertThat(buckets).contains("deepscreen/" + connector.path("s3.bucket.name").asText())
        .contains("deepscreen/" + URI.create(build.one(ConfigMap.class, "deepscreen-models")
            .getData().get("ENSEMBLE_URI")).getHost());
  }

  @Test
  void aSettingsChangeRollsTheStages(@TempDir Path copy) throws IOException {
    String before = build("base").generated(ConfigMap.class, "deepscreen-stages").getMetadata()
        .getName();
    try (Stream<Path> files = Files.walk(Repository.file("k8s"))) {
      for (Path file : files.toList()) {
        Path target = copy.resolve(Repository.file("k8s").relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
    Files.writeString(copy.resolve("base/stages/stage.properties"), "num.stream.threads=2\n",
        StandardOpenOption.APPEND);

    Build changed = build("changed base", copy.resolve("base"));
    String after = changed.generated(ConfigMap.class, "deepscreen-stages").getMetadata().getName();

    assertThat(after).isNotEqualTo(before);
    for (String stage : List.of("extract", "score", "aggregate", "review")) {
      Workload workload = changed.stage(stage);
      assertThat(workload.pod().getVolumes()).as(workload.id()).anySatisfy(v ->
          assertThat(v.getConfigMap()).isNotNull()
              .satisfies(c -> assertThat(c.getName()).isEqualTo(after)));
    }
  }

  /**
   * The settings a container of the stages' image reads: the stages' settings file, then its
   * variables with a value.
   */
  private static Map<String, String> settings(Build build, Container container)
      throws IOException {
    Path file = Files.createTempFile("stage", ".properties");
    try {
      Files.writeString(file, build.generated(ConfigMap.class, "deepscreen-stages").getData()
          .get("stage.properties"));
      Map<String, String> literals = new TreeMap<>(env(container));
      literals.values().removeIf(java.util.Objects::isNull);
      return new TreeMap<>(AppProperties.load(file, literals));
    } finally {
      Files.delete(file);
    }
  }

  private static String bootstrap(Kafka kafka) {
    GenericKafkaListener plain = kafka.getSpec().getKafka().getListeners().stream()
        .filter(l -> !l.isTls()).findFirst().orElseThrow();
    return kafka.getMetadata().getName() + "-kafka-bootstrap:" + plain.getPort();
  }

  private static Map<String, PodSpec> pods(Build build) {
    Map<String, PodSpec> pods = new LinkedHashMap<>();
    build.workloads().forEach(w -> pods.put(w.id(), w.pod()));
    build.all(Job.class).forEach(j -> pods.put("Job/" + j.getMetadata().getName(),
        j.getSpec().getTemplate().getSpec()));
    return pods;
  }

  private static List<Container> containers(PodSpec pod) {
    return Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream()).toList();
  }

  /** The number of the container's port {@code name}. */
  private static int port(Container container, String name) {
    return container.getPorts().stream().filter(p -> name.equals(p.getName())).findFirst()
        .orElseThrow(() -> new AssertionError("no port " + name)).getContainerPort();
  }

  private static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  private static Map<String, String> env(Container container) {
    Map<String, String> env = new TreeMap<>();
    container.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
    return env;
  }

  private static Set<String> names(Build build, Class<? extends HasMetadata> type) {
    Set<String> names = new java.util.TreeSet<>();
    build.all(type).forEach(r -> names.add(r.getMetadata().getName()));
    return names;
  }

}
