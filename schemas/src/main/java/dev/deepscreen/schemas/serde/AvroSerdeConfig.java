package dev.deepscreen.schemas.serde;

import dev.deepscreen.schemas.registry.SchemaRegistryClientConfig;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/** Configuration of {@link AvroSerializer} and {@link AvroDeserializer}: the registry and more. */
public class AvroSerdeConfig extends SchemaRegistryClientConfig {

  public static final String AUTO_REGISTER_SCHEMAS_CONFIG = "auto.register.schemas";
  private static final String AUTO_REGISTER_SCHEMAS_DOC = "Whether the serializer registers the"
      + " record's schema under the topic's subject. When false the schema must already be"
      + " registered (for example by a deployment step) and is looked up; a missing one fails the"
      + " send. Production registries often refuse registration by applications.";

  private static final ConfigDef CONFIG = SchemaRegistryClientConfig.configDef()
      .define(AUTO_REGISTER_SCHEMAS_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM,
          AUTO_REGISTER_SCHEMAS_DOC);

  public AvroSerdeConfig(Map<?, ?> props) {
    super(CONFIG, props);
  }

  /** The definitions, for documentation and for configurations that embed these settings. */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  public boolean autoRegisterSchemas() {
    return getBoolean(AUTO_REGISTER_SCHEMAS_CONFIG);
  }
}
