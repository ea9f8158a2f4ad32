package dev.deepscreen.streams.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The part of {@code kustomize build} the manifests under k8s/ use, so that the tests check what
 * an overlay really yields: resources (files and directories with their own kustomization),
 * ConfigMap and Secret generators (literals and files; create, merge, replace), JSON 6902
 * patches with a kind and name target, image overrides and the namespace. A kustomization using
 * anything else fails the build here rather than being half understood, and so does a patch whose
 * target is not exactly one resource.
 */
final class Kustomization {
  private static final Set<String> KEYS = Set.of("apiVersion", "kind", "namespace", "resources",
      "patches", "images", "configMapGenerator", "secretGenerator", "generatorOptions");
  private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace");

  private Kustomization() {}

  /** The resources of the kustomization in {@code directory}, as kustomize would emit them. */
  static List<ObjectNode> build(Path directory) {
    Path file = directory.resolve("kustomization.yaml");
    JsonNode kustomization = YamlFiles.document(file);
    kustomization.fieldNames().forEachRemaining(key -> {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(file + ": '" + key + "' is not supported here");
      }
    });
    require(kustomization.path("apiVersion").asText().equals("kustomize.config.k8s.io/v1beta1")
        && kustomization.path("kind").asText().equals("Kustomization"), file,
        "not a Kustomization");

    List<ObjectNode> resources = new ArrayList<>();
    for (JsonNode entry : kustomization.path("resources")) {
      Path path = directory.resolve(entry.asText()).normalize();
      if (Files.isDirectory(path)) {
        resources.addAll(build(path));
      } else {
        for (JsonNode document : YamlFiles.documents(path)) {
          require(document.isObject(), path, "a resource is not an object");
          resources.add((ObjectNode) document);
        }
      }
    }
    if (kustomization.has("configMapGenerator") || kustomization.has("secretGenerator")) {
      require(kustomization.path("generatorOptions").path("disableNameSuffixHash").asBoolean(),
          file, "generators need generatorOptions.disableNameSuffixHash: true here");
    }
    generate(directory, kustomization.path("configMapGenerator"), "ConfigMap", resources);
    generate(directory, kustomization.path("secretGenerator"), "Secret", resources);

    if (kustomization.has("namespace")) {
      String namespace = kustomization.get("namespace").asText();
      for (ObjectNode resource : resources) {
        if (!CLUSTER_SCOPED.contains(resource.path("kind").asText())) {
          resource.withObjectProperty("metadata").put("namespace", namespace);
        }
      }
    }
    for (JsonNode patch : kustomization.path("patches")) {
      require(patch.has("path") && patch.has("target") && patch.size() == 2, file,
          "a patch needs exactly a path and a target: " + patch);
      JsonNode target = patch.get("target");
      require(target.size() == 2 && target.has("kind") && target.has("name"), file,
          "a patch target names exactly a kind and a name: " + target);
      List<ObjectNode> matches = resources.stream()
          .filter(r -> r.path("kind").asText().equals(target.get("kind").asText())
              && r.path("metadata").path("name").asText().equals(target.get("name").asText()))
          .toList();
      require(matches.size() == 1, file, "patch target " + target + " matches " + matches.size()
          + " resources");
      Path patchFile = directory.resolve(patch.get("path").asText());
      try {
        JsonPatch.apply(matches.get(0), YamlFiles.document(patchFile));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(patchFile + ": " + e.getMessage(), e);
      }
    }
    for (JsonNode image : kustomization.path("images")) {
      overrideImage(resources, image);
    }
    return resources;
  }

  private static void generate(Path directory, JsonNode generators, String kind,
      List<ObjectNode> resources) {
    for (JsonNode generator : generators) {
      generator.fieldNames().forEachRemaining(key -> require(
          Set.of("name", "behavior", "literals", "files").contains(key), directory,
          kind + " generator field '" + key + "' is not supported here"));
      String name = generator.path("name").asText();
      String behavior = generator.path("behavior").asText("create");
      ObjectNode data = YamlFiles.JSON.createObjectNode();
      for (JsonNode literal : generator.path("literals")) {
        String text = literal.asText();
        int equals = text.indexOf('=');
        require(equals > 0, directory, "literal without '=': " + text);
        data.put(text.substring(0, equals), encode(kind, text.substring(equals + 1)));
      }
      for (JsonNode entry : generator.path("files")) {
        Path source = directory.resolve(entry.asText());
        try {
          data.put(source.getFileName().toString(),
              encode(kind, Files.readString(source, StandardCharsets.UTF_8)));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      ObjectNode existing = resources.stream()
          .filter(r -> r.path("kind").asText().equals(kind)
              && r.path("metadata").path("name").asText().equals(name))
          .findFirst().orElse(null);
      switch (behavior) {
        case "create" -> {
          require(existing == null, directory, kind + " " + name + " exists already");
          ObjectNode resource = YamlFiles.JSON.createObjectNode();
          resource.put("apiVersion", "v1").put("kind", kind);
          resource.putObject("metadata").put("name", name);
          if (kind.equals("Secret")) {
            resource.put("type", "Opaque");
          }
          resource.set("data", data);
          resources.add(resource);
        }
        case "merge" -> {
          require(existing != null, directory, "no " + kind + " " + name + " to merge into");
          existing.withObjectProperty("data").setAll(data);
        }
        case "replace" -> {
          require(existing != null, directory, "no " + kind + " " + name + " to replace");
          existing.set("data", data);
        }
        default -> throw new IllegalArgumentException(directory + ": behavior " + behavior);
      }
    }
  }

  private static String encode(String kind, String value) {
    return kind.equals("Secret")
        ? Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))
        : value;
  }

  private static void overrideImage(List<ObjectNode> resources, JsonNode image) {
    String name = image.path("name").asText();
    for (ObjectNode resource : resources) {
      JsonNode podSpec = resource.path("spec").path("template").path("spec");
      for (String list : List.of("initContainers", "containers")) {
        for (JsonNode container : podSpec.path(list)) {
          String current = container.path("image").asText();
          int colon = current.lastIndexOf(':');
          String repository = colon > current.lastIndexOf('/') ? current.substring(0, colon)
              : current;
          String tag = colon > current.lastIndexOf('/') ? current.substring(colon + 1) : "";
          if (repository.equals(name)) {
            String newName = image.path("newName").asText(repository);
            String newTag = image.path("newTag").asText(tag);
            ((ObjectNode) container).put("image", newTag.isEmpty() ? newName
                : newName + ":" + newTag);
          }
        }
      }
    }
  }


  private static void require(boolean condition, Path where, String message) {
    if (!condition) {
      throw new IllegalArgumentException(where + ": " + message);
    }
  }
}
