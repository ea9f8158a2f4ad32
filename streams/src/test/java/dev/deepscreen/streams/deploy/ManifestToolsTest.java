package dev.deepscreen.streams.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tools the manifest tests rely on, shown to fail where they must: the typed reading refuses
 * unknown fields, kinds and types; JSON Patch and the kustomize subset refuse what kustomize
 * would refuse.
 */
class ManifestToolsTest {
  @TempDir
  Path dir;

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

  @Test
  void jsonPatchAddsReplacesRemovesAndTests() throws IOException {
    ObjectNode target = (ObjectNode) yaml(DEPLOYMENT);
    JsonPatch.apply(target, yaml("""
        - {op: test, path: /spec/template/spec/containers/0/env/1/name, value: B}
        - {op: remove, path: /spec/template/spec/containers/0/env/1}
        - {op: replace, path: /spec/replicas, value: 1}
        - {op: add, path: /spec/template/spec/nodeSelector, value: {gpu: "true"}}
        - {op: add, path: /spec/template/spec/containers/0/env/-, value: {name: C}}
        - {op: add, path: /metadata/labels, value: {a~1b: c}}
        """));

    JsonNode spec = target.path("spec");
    assertThat(spec.path("replicas").asInt()).isEqualTo(1);
    assertThat(spec.path("template").path("spec").path("nodeSelector").path("gpu").asText())
        .isEqualTo("true");
    assertThat(spec.path("template").path("spec").path("containers").path(0).path("env")
        .findValuesAsText("name")).containsExactly("A", "C");
  }

  @Test
  void jsonPatchRefusesMissingPathsFailedTestsAndOtherOperations() throws IOException {
    for (String operation : List.of(
        "[{op: remove, path: /spec/strategy}]",
        "[{op: replace, path: /spec/template/spec/containers/1/image, value: x}]",
        "[{op: add, path: /spec/missing/field, value: x}]",
        "[{op: test, path: /spec/replicas, value: 3}]",
        "[{op: move, from: /spec/replicas, path: /spec/x}]")) {
      assertThatThrownBy(() -> JsonPatch.apply(yaml(DEPLOYMENT), yaml(operation)))
          .as(operation).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void kustomizeSubsetComposesResourcesPatchesGeneratorsAndNamespace() throws IOException {
    Files.createDirectories(dir.resolve("base"));
    Files.writeString(dir.resolve("base/deployment.yaml"), DEPLOYMENT);
    Files.writeString(dir.resolve("base/settings.properties"), "a=b\n");
    Files.writeString(dir.resolve("base/kustomization.yaml"), """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        namespace: ns
        resources: [deployment.yaml]
        generatorOptions: {disableNameSuffixHash: true}
        configMapGenerator:
          - {name: settings, files: [settings.properties]}
        """);
    Files.createDirectories(dir.resolve("overlay"));
    Files.writeString(dir.resolve("overlay/replicas.yaml"),
        "- {op: replace, path: /spec/replicas, value: 5}\n");
    Files.writeString(dir.resolve("overlay/kustomization.yaml"), """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        resources: [../base]
        generatorOptions: {disableNameSuffixHash: true}
        secretGenerator:
          - {name: credentials, literals: [KEY=secret]}
        configMapGenerator:
          - {name: settings, behavior: merge, literals: [extra=1]}
        patches:
          - path: replicas.yaml
            target: {kind: Deployment, name: extract}
        images:
          - {name: deepscreen/streams, newName: registry.example.com/streams, newTag: "2"}
        """);

    List<ObjectNode> built = Kustomization.build(dir.resolve("overlay"));

    assertThat(built).hasSize(3);
    ObjectNode deployment = built.get(0);
    assertThat(deployment.path("metadata").path("namespace").asText()).isEqualTo("ns");
    assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(5);
    assertThat(deployment.path("spec").path("template").path("spec").path("containers").path(0)
        .path("image").asText()).isEqualTo("registry.example.com/streams:2");
    assertThat(built.get(1).path("data").path("settings.properties").asText()).isEqualTo("a=b\n");
    assertThat(built.get(1).path("data").path("extra").asText()).isEqualTo("1");
    assertThat(built.get(2).path("kind").asText()).isEqualTo("Secret");
    assertThat(built.get(2).path("data").path("KEY").asText()).isEqualTo("c2VjcmV0");
  }

  @Test
  void kustomizeSubsetRefusesPatchesWithoutTargetAndUnknownFeatures() throws IOException {
    Files.writeString(dir.resolve("deployment.yaml"), DEPLOYMENT);
    Files.writeString(dir.resolve("p.yaml"), "- {op: replace, path: /spec/replicas, value: 5}\n");
    String header = """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        resources: [deployment.yaml]
        """;
    Files.writeString(dir.resolve("kustomization.yaml"), header + """
        patches:
          - path: p.yaml
            target: {kind: Deployment, name: score}
        """);
    assertThatThrownBy(() -> Kustomization.build(dir))
        .hasMessageContaining("matches 0 resources");

    Files.writeString(dir.resolve("kustomization.yaml"), header + "commonLabels: {a: b}\n");
    assertThatThrownBy(() -> Kustomization.build(dir))
        .hasMessageContaining("'commonLabels' is not supported here");
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
