package dev.deepscreen.streams.deploy;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * KEDA's ScaledObject ({@code keda.sh/v1alpha1}), typed for the tests. No KEDA model is published
 * on Maven Central, so the fields here are those of the ScaledObject CRD of KEDA 2.20 (the
 * {@code openAPIV3Schema} of {@code config/crd/bases/keda.sh_scaledobjects.yaml}); read with
 * unknown properties refused, a misspelt field fails as it would against that schema. The
 * HPA-level parts ({@code advanced}, {@code fallback.behavior}) are kept as plain maps.
 */
record ScaledObject(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

  /** The metadata keys of KEDA 2.20's Kafka scaler ({@code pkg/scalers/kafka_scaler.go}). */
  static final Set<String> KAFKA_TRIGGER_KEYS = Set.of("activationLagThreshold",
      "allowIdleConsumers", "awsRegion", "bootstrapServers", "ca", "cert", "consumerGroup",
      "ensureEvenDistributionOfPartitions", "excludePersistentLag", "fullMetadata",
      "kerberosConfig", "kerberosDisableFAST", "kerberosServiceName", "key", "keyPassword",
      "keytab", "lagThreshold", "limitToPartitionsWithLag", "oauthExtensions",
      "oauthTokenEndpointUri", "offsetResetPolicy", "partitionLimitation", "password", "realm",
      "sasl", "saslTokenProvider", "scaleToZeroOnInvalidOffset", "scopes", "tls", "topic",
      "unsafeSsl", "username", "version");

  record Spec(ScaleTargetRef scaleTargetRef, Integer pollingInterval, Integer cooldownPeriod,
      Integer initialCooldownPeriod, Integer idleReplicaCount, Integer minReplicaCount,
      Integer maxReplicaCount, Map<String, Object> advanced, Fallback fallback,
      List<Trigger> triggers) {}

  record ScaleTargetRef(String apiVersion, String kind, String name,
      String envSourceContainerName) {}

  record Fallback(Integer failureThreshold, Integer replicas, String behavior) {}

  record Trigger(String type, String name, Map<String, String> metadata,
      AuthenticationRef authenticationRef, String metricType, Boolean useCachedMetrics) {}

  record AuthenticationRef(String name, String kind) {}
}
