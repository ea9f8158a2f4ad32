package dev.deepscreen.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A Schema Registry held in this process, for the embedded mode and tests. It follows the real
 * registry's rules that matter to clients: ids are registry-wide and the same schema gets the same
 * id under any subject; versions count from 1 per subject; a new version must pass the subject's
 * compatibility level (BACKWARD unless set) or is refused with an
 * {@link IncompatibleSchemaException}; unknown subjects and ids give the registry's error codes.
 *
 * <p>Registries are shared per scope, as {@code mock://<scope>} URLs are in Confluent's serdes:
 * every client configured with the same scope in one JVM sees the same schemas.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {

  private static final Map<String, InMemorySchemaRegistry> SCOPES = new ConcurrentHashMap<>();

  private final String scope;
  private final Map<String, Integer> idsBySchemaText = new HashMap<>();
  private final Map<Integer, Schema> schemasById = new HashMap<>();
  private final Map<String, List<RegisteredSchema>> versionsBySubject = new HashMap<>();
  private final Map<String, CompatibilityLevel> levels = new HashMap<>();

  /** A registry of its own, not shared with any scope. */
  public InMemorySchemaRegistry() {
    this("(private)");
  }

  private InMemorySchemaRegistry(String scope) {
    this.scope = scope;
  }

  /** The registry shared by every {@code mock://<scope>} client of this JVM. */
  public static InMemorySchemaRegistry forScope(String scope) {
    return SCOPES.computeIfAbsent(scope, InMemorySchemaRegistry::new);
  }

  /** Forgets the registry of a scope, so that its next user starts empty. */
  public static void dropScope(String scope) {
    SCOPES.remove(scope);
  }

  /** Sets the compatibility level of one subject (BACKWARD unless set). */
  synchronized void setCompatibility(String subject, CompatibilityLevel level) {
    levels.put(subject, level);
  }

  @Override
  public synchronized int register(String subject, Schema schema) {
    List<RegisteredSchema> versions = versionsBySubject.get(subject);
    if (versions != null) {
      for (RegisteredSchema version : versions) {
        if (version.schema().equals(schema)) {
          return version.id();
        }
      }
      Schema latest = versions.get(versions.size() - 1).schema();
      CompatibilityLevel level = levels.getOrDefault(subject, CompatibilityLevel.BACKWARD);
      String problem = level.incompatibility(schema, latest);
      if (problem != null) {
        throw new IncompatibleSchemaException("register schema under subject " + subject + " in "
            + describe() + ": schema being registered is incompatible with an earlier schema for"
            + " compatibility level " + level + ": " + problem, 409);
      }
    }
    int id = idsBySchemaText.computeIfAbsent(schema.toString(), text -> {
      int next = schemasById.size() + 1;
      schemasById.put(next, schema);
      return next;
    });
    List<RegisteredSchema> list = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
    list.add(new RegisteredSchema(subject, id, list.size() + 1, schema));
    return id;
  }

  @Override
  public synchronized RegisteredSchema lookup(String subject, Schema schema) {
    for (RegisteredSchema version : versions(subject, "look up schema")) {
      if (version.schema().equals(schema)) {
        return version;
      }
    }
    throw new SchemaNotFoundException("look up schema under subject " + subject + " in "
        + describe() + ": schema not found (error code 40403)", 404, 40403);
  }

  @Override
  public synchronized Schema schemaById(int id) {
    Schema schema = schemasById.get(id);
    if (schema == null) {
      throw new SchemaNotFoundException("get schema by id " + id + " from " + describe()
          + ": schema " + id + " not found (error code 40403)", 404, 40403);
    }
    return schema;
  }

  /** The subjects registered so far, sorted. */
  public synchronized List<String> subjects() {
    return versionsBySubject.keySet().stream().sorted().toList();
  }

  /** Nothing to release: the schemas stay for the scope's other clients. */
  @Override
  public void close() {}

  private List<RegisteredSchema> versions(String subject, String operation) {
    List<RegisteredSchema> versions = versionsBySubject.get(subject);
    if (versions == null) {
      throw new SubjectNotFoundException(operation + " under subject " + subject + " in "
          + describe() + ": subject not found (error code 40401)", 404);
    }
    return versions;
  }

  private String describe() {
    return "in-memory registry mock://" + scope;
  }
}
