package dev.deepscreen.streams.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The typed reading the manifest tests rely on, shown to fail where it must: it refuses unknown
 * fields, kinds and types.
 */
class ManifestToolsTest {
  private static final String DEPLOYMENT = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: extract
      spec:
        replicas: 2
        selector:
          matchLabels: {app: extract}
        template:
          metadata:
            labels: {app: extract}
          spec:
            containers:
              - name: extract
                image: deepscreen/streams:1
                env:
                  - {name: A, value: "1"}
                  - {name: B, value: "2"}
      """;

  @Test
  void aKnownKindWithKnownFieldsIsRead() throws IOException {
    Deployment deployment = KubernetesObjects.read(yaml(DEPLOYMENT), Deployment.class);

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
  }

  @Test
  void anUnknownFieldFailsWithItsPath() throws IOException {
    String misspelt = DEPLOYMENT.replace("image: deepscreen/streams:1",
        "image: deepscreen/streams:1\n          imagePullPolicyy: Always");

    assertThatThrownBy(() -> KubernetesObjects.read(yaml(misspelt)))
        .hasMessageContaining("Deployment extract: unknown fields")
        .hasMessageContaining("spec.template.spec.containers[0]: [imagePullPolicyy]");
  }

  @Test
  void anUnknownFieldOfAStrimziResourceFails() throws IOException {
    String topic = """
        apiVersion: kafka.strimzi.io/v1
        kind: KafkaTopic
        metadata: {name: t}
        spec: {partitions: 1, retention: 5}
        """;

    assertThatThrownBy(() -> KubernetesObjects.read(yaml(topic)))
        .hasMessageContaining("KafkaTopic t: unknown fields [spec: [retention]]");
  }

  @Test
  void anUnknownKindOrApiVersionFails() throws IOException {
    assertThatThrownBy(() -> KubernetesObjects.read(yaml(DEPLOYMENT.replace("apps/v1",
        "extensions/v1beta1")))).hasMessageContaining("unknown kind Deployment at apiVersion "
            + "'extensions/v1beta1'");
    assertThatThrownBy(() -> KubernetesObjects.read(yaml(DEPLOYMENT.replace("kind: Deployment",
        "kind: Deploymnet")))).hasMessageContaining("unknown kind Deploymnet");
  }

  @Test
  void aValueOfTheWrongTypeFails() throws IOException {
    assertThatThrownBy(() -> KubernetesObjects.read(yaml(DEPLOYMENT.replace("replicas: 2",
        "replicas: two")))).hasMessageContaining("Deployment extract");
    assertThatThrownBy(() -> KubernetesObjects.read(yaml("""
        apiVersion: keda.sh/v1alpha1
        kind: ScaledObject
        metadata: {name: s}
        spec:
          scaleTargetRef: {name: extract}
          maxReplicaCount: "6"
          triggers: []
        """))).hasMessageContaining("ScaledObject s");
  }

  private static JsonNode yaml(String text) throws IOException {
    Path file = Files.createTempFile("manifest", ".yaml");
    try {
      Files.writeString(file, text);
      return YamlFiles.document(file);
    } finally {
      Files.delete(file);
    }
  }
}
