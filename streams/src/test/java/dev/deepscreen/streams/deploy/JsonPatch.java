package dev.deepscreen.streams.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON Patch (RFC 6902) with the operations the overlays use: {@code add}, {@code remove},
 * {@code replace} and {@code test}. As in kustomize, a path that does not exist, a failed test or
 * any other operation is an error, never a silent no-op.
 */
final class JsonPatch {
  private JsonPatch() {}

  /** Applies the operations in order to {@code target}, which is changed in place. */
  static void apply(JsonNode target, JsonNode operations) {
    if (!operations.isArray()) {
      throw new IllegalArgumentException("a JSON patch is a list of operations");
    }
    for (JsonNode operation : operations) {
      String op = operation.path("op").asText("");
      String path = operation.path("path").asText(null);
      if (path == null) {
        throw new IllegalArgumentException("operation without a path: " + operation);
      }
      List<String> tokens = pointer(path);
      if (tokens.isEmpty()) {
        throw new IllegalArgumentException("the document root cannot be patched: " + operation);
      }
      JsonNode parent = resolve(target, tokens.subList(0, tokens.size() - 1), path);
      String last = tokens.get(tokens.size() - 1);
      switch (op) {
        case "add" -> add(parent, last, value(operation), path);
        case "remove" -> remove(parent, last, path);
        case "replace" -> {
          remove(parent, last, path);
          add(parent, last, value(operation), path);
        }
        case "test" -> {
          JsonNode actual = resolve(target, tokens, path);
          if (!same(actual, value(operation))) {
            throw new IllegalArgumentException(
                "test failed at " + path + ": " + actual + " is not " + value(operation));
          }
        }
        default -> throw new IllegalArgumentException("unsupported operation '" + op + "'");
      }
    }
  }

  private static JsonNode value(JsonNode operation) {
    if (!operation.has("value")) {
      throw new IllegalArgumentException("operation without a value: " + operation);
    }
    return operation.get("value").deepCopy();
  }

  private static void add(JsonNode parent, String token, JsonNode value, String path) {
    if (parent instanceof ObjectNode object) {
      object.set(token, value);
    } else if (parent instanceof ArrayNode array) {
      if (token.equals("-")) {
        array.add(value);
      } else {
        int index = index(token, array.size() + 1, path);
        array.insert(index, value);
      }
    } else {
      throw new IllegalArgumentException("no object or list to add to at " + path);
    }
  }

  private static void remove(JsonNode parent, String token, String path) {
    if (parent instanceof ObjectNode object) {
      if (object.remove(token) == null) {
        throw new IllegalArgumentException("nothing at " + path);
      }
    } else if (parent instanceof ArrayNode array) {
      array.remove(index(token, array.size(), path));
    } else {
      throw new IllegalArgumentException("nothing at " + path);
    }
  }

  private static JsonNode resolve(JsonNode root, List<String> tokens, String path) {
    JsonNode node = root;
    for (String token : tokens) {
      if (node.isObject() && node.has(token)) {
        node = node.get(token);
      } else if (node.isArray()) {
        node = node.get(index(token, node.size(), path));
      } else {
        throw new IllegalArgumentException("nothing at " + path);
      }
    }
    return node;
  }

  private static int index(String token, int bound, String path) {
    if (!token.matches("0|[1-9][0-9]*") || Integer.parseInt(token) >= bound) {
      throw new IllegalArgumentException("no list index " + token + " at " + path);
    }
    return Integer.parseInt(token);
  }

  /** The reference tokens of a JSON pointer (RFC 6901). */
  static List<String> pointer(String path) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("a JSON pointer starts with '/': " + path);
    }
    List<String> tokens = new ArrayList<>();
    for (String raw : path.substring(1).split("/", -1)) {
      tokens.add(raw.replace("~1", "/").replace("~0", "~"));
    }
    return tokens;
  }

  private static boolean same(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    return a.equals(b);
  }
}
