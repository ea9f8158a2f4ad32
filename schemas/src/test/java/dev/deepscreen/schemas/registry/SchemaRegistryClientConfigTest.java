package dev.deepscreen.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SchemaRegistryClientConfigTest {

  @Test
  void theUrlIsRequired() {
    assertThatThrownBy(() -> new SchemaRegistryClientConfig(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Missing required configuration \"schema.registry.url\" which has no default"
            + " value.");
  }

  @Test
  void aUrlOfAnotherSchemeIsRefused() {
    assertThatThrownBy(() -> config("schema.registry.url", "ftp://registry:21"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value ftp://registry:21 for configuration schema.registry.url: the"
            + " scheme must be http, https or mock");
  }

  @Test
  void aMockUrlStandsAlone() {
    assertThatThrownBy(() -> config("schema.registry.url", "mock://a,http://b:8081"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value mock://a,http://b:8081 for configuration schema.registry.url:"
            + " a mock:// URL cannot be combined with other registry URLs");
    assertThat(config("schema.registry.url", "mock://demo").mockScope()).isEqualTo("demo");
    assertThat(config("schema.registry.url", "http://r:8081").mockScope()).isNull();
  }

  @Test
  void userInfoAuthenticationNeedsUserAndPassword() {
    assertThatThrownBy(() -> config("schema.registry.url", "http://r:8081",
        "basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "alice"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value [hidden] for configuration basic.auth.user.info: USER_INFO"
            + " authentication needs basic.auth.user.info as user:password");
  }

  @Test
  void basicAndBearerAuthenticationExcludeEachOther() {
    assertThatThrownBy(() -> config("schema.registry.url", "http://r:8081",
        "basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "a:b",
        "bearer.auth.credentials.source", "STATIC_TOKEN", "bearer.auth.token", "t"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value STATIC_TOKEN for configuration bearer.auth.credentials.source:"
            + " basic and bearer authentication cannot both be set; choose one");
  }

  @Test
  void anUnknownCredentialsSourceIsRefusedWithTheChoices() {
    assertThatThrownBy(() -> config("schema.registry.url", "http://r:8081",
        "basic.auth.credentials.source", "SASL_INHERIT"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value SASL_INHERIT for configuration basic.auth.credentials.source:"
            + " String must be one of: , USER_INFO, URL");
  }

  @Test
  void theLongestBackoffCannotBeShorterThanTheFirst() {
    assertThatThrownBy(() -> config("schema.registry.url", "http://r:8081",
        "schema.registry.retry.backoff.ms", "500", "schema.registry.retry.backoff.max.ms", "100"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value 100 for configuration schema.registry.retry.backoff.max.ms:"
            + " must be at least schema.registry.retry.backoff.ms (500)");
  }

  @Test
  void credentialsBecomeTheAuthorizationHeader() {
    assertThat(config("schema.registry.url", "http://r:8081", "basic.auth.credentials.source",
        "USER_INFO", "basic.auth.user.info", "alice:s3cret").authorizationHeader())
        .isEqualTo("Basic YWxpY2U6czNjcmV0");
    assertThat(config("schema.registry.url", "http://alice:s3cret@r:8081",
        "basic.auth.credentials.source", "URL").authorizationHeader())
        .isEqualTo("Basic YWxpY2U6czNjcmV0");
    assertThat(config("schema.registry.url", "https://r", "bearer.auth.credentials.source",
        "STATIC_TOKEN", "bearer.auth.token", "tok").authorizationHeader())
        .isEqualTo("Bearer tok");
    assertThat(config("schema.registry.url", "https://r").authorizationHeader()).isNull();
  }

  private static SchemaRegistryClientConfig config(String... keyValues) {
    Map<String, String> props = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      props.put(keyValues[i], keyValues[i + 1]);
    }
    return new SchemaRegistryClientConfig(props);
  }
}
