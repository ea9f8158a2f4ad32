package dev.deepscreen.schemas.registry;

import java.io.Closeable;
import org.apache.avro.Schema;

/**
 * The operations of a Confluent-compatible Schema Registry that the serdes, the connectors and the
 * command-line tool need. Two implementations: {@link HttpSchemaRegistryClient} speaks the REST API
 * v1 of a real registry; {@link InMemorySchemaRegistry} holds schemas in this process for the
 * embedded mode and tests, chosen by a {@code mock://<scope>} URL as Confluent's own serdes do.
 *
 * <p>Every method throws a {@link SchemaRegistryException} subclass when the registry refuses or
 * cannot be reached, never returns null. Implementations are thread-safe.
 */
public interface SchemaRegistryClient extends Closeable {

  /**
   * Registers {@code schema} under {@code subject}, or finds it if it is already there.
   *
   * @return the registry-wide id of the schema
   * @throws IncompatibleSchemaException if the subject's compatibility rules refuse it (409)
   * @throws InvalidSchemaException if the registry cannot parse it (422)
   */
  int register(String subject, Schema schema);

  /**
   * Looks up {@code schema} among the versions of {@code subject} without registering it.
   *
   * @throws SubjectNotFoundException if the subject does not exist (40401)
   * @throws SchemaNotFoundException if the subject has no such schema (40403)
   */
  RegisteredSchema lookup(String subject, Schema schema);

  /**
   * The schema with a registry-wide id, as written into the Confluent wire format.
   *
   * @throws SchemaNotFoundException if no schema has that id (40403)
   */
  Schema schemaById(int id);

  /** Releases connections; the in-memory registry keeps its schemas for other clients. */
  @Override
  void close();
}
