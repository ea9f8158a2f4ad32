package dev.deepscreen.schemas.registry;

import java.util.Map;

/** Chooses the registry client a configuration asks for. */
public final class SchemaRegistries {
  private SchemaRegistries() {}

  /**
   * The in-memory registry of the scope for a {@code mock://<scope>} URL, otherwise an HTTP client
   * of the configured URLs.
   */
  public static SchemaRegistryClient connect(SchemaRegistryClientConfig config) {
    String scope = config.mockScope();
    return scope != null ? InMemorySchemaRegistry.forScope(scope)
        : new HttpSchemaRegistryClient(config);
  }

  /** {@link #connect(SchemaRegistryClientConfig)} from properties. */
  public static SchemaRegistryClient connect(Map<String, ?> properties) {
    return connect(new SchemaRegistryClientConfig(properties));
  }
}
