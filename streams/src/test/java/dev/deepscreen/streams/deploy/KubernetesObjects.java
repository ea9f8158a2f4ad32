package dev.deepscreen.streams.deploy;

import static java.util.Map.entry;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.connect.KafkaConnect;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes manifests read into the typed models of the APIs they are for: fabric8's Kubernetes
 * model, Strimzi's API model, {@link ScaledObject} for KEDA. Only the kinds listed here are
 * accepted, each at one apiVersion; a field the model does not know fails, whether the model
 * refuses it itself or, like fabric8's and Strimzi's, keeps it aside in
 * {@code additionalProperties}.
 */
final class KubernetesObjects {
  private KubernetesObjects() {}

  static final Map<String, Class<?>> KINDS = Map.ofEntries(
      entry("v1/Namespace", Namespace.class),
      entry("v1/ConfigMap", ConfigMap.class),
      entry("v1/Secret", Secret.class),
      entry("v1/Service", Service.class),
      entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
      entry("apps/v1/Deployment", Deployment.class),
      entry("apps/v1/StatefulSet", StatefulSet.class),
      entry("batch/v1/Job", Job.class),
      entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
      entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
      entry("kafka.strimzi.io/v1/Kafka", Kafka.class),
      entry("kafka.strimzi.io/v1/KafkaNodePool", KafkaNodePool.class),
      entry("kafka.strimzi.io/v1/KafkaTopic", KafkaTopic.class),
      entry("kafka.strimzi.io/v1/KafkaConnect", KafkaConnect.class),
      entry("kafka.strimzi.io/v1/KafkaConnector", KafkaConnector.class),
      entry("keda.sh/v1alpha1/ScaledObject", ScaledObject.class));

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .build();

  /**
   * The typed object of a manifest.
   *
   * @throws IllegalArgumentException naming the kind, the object and the fields at fault
   */
  static Object read(JsonNode manifest) {
    String apiVersion = manifest.path("apiVersion").asText("");
    String kind = manifest.path("kind").asText("");
    String name = manifest.path("metadata").path("name").asText("?");
    Class<?> type = KINDS.get(apiVersion + "/" + kind);
    if (type == null) {
      throw new IllegalArgumentException(
          "unknown kind " + kind + " at apiVersion '" + apiVersion + "' (" + name + ")");
    }
    Object object;
    try {
      object = MAPPER.treeToValue(manifest, type);
    } catch (Exception e) {
      throw new IllegalArgumentException(kind + " " + name + ": " + e.getMessage(), e);
    }
    List<String> unknown = unknownFields(object);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(kind + " " + name + ": unknown fields " + unknown);
    }
    return object;
  }

  static <T> T read(JsonNode manifest, Class<T> type) {
    return type.cast(read(manifest));
  }

  static String name(Object object) {
    if (object instanceof HasMetadata resource) {
      return resource.getMetadata().getName();
    }
    return ((ScaledObject) object).metadata().getName();
  }

  /** The paths of the fields a typed model kept aside as unknown. */
  static List<String> unknownFields(Object root) {
    List<String> found = new ArrayList<>();
    walk(root, "", found, Collections.newSetFromMap(new IdentityHashMap<>()));
    return found;
  }

  private static void walk(Object value, String path, List<String> found, Set<Object> seen) {
    if (value == null || value instanceof CharSequence || value instanceof Number
        || value instanceof Boolean || value instanceof Enum<?>) {
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "." + k, found, seen));
      return;
    }
    if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        walk(item, path + "[" + i++ + "]", found, seen);
      }
      return;
    }
    String type = value.getClass().getName();
    if (!(type.startsWith("io.fabric8.") || type.startsWith("io.strimzi.")
        || value.getClass().isRecord()) || !seen.add(value)) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
          || getter.getReturnType().isPrimitive() || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      String property = property(value, getter);
      if (property == null) {
        continue;
      }
      Object child;
      try {
        child = getter.invoke(value);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException(path + "." + property + ": " + e.getCause(), e);
      }
      if (property.equals("additionalProperties")) {
        if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
          found.add((path.isEmpty() ? "" : path.substring(1) + ": ") + extra.keySet());
        }
      } else {
        walk(child, path + "." + property, found, seen);
      }
    }
  }

  private static String property(Object value, Method getter) {
    String name = getter.getName();
    if (value.getClass().isRecord()) {
      for (var component : value.getClass().getRecordComponents()) {
        if (component.getAccessor().getName().equals(name)) {
          return name;
        }
      }
      return null;
    }
    if (name.startsWith("get") && name.length() > 3) {
      return Character.toLowerCase(name.charAt(3)) + name.substring(4);
    }
    return null;
  }
}
