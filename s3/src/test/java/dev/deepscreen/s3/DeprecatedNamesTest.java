package dev.deepscreen.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import dev.deepscreen.s3.testing.LogCapture;
import org.junit.jupiter.api.Test;

class DeprecatedNamesTest {

  private final List<String> warnings = new ArrayList<>();
  private final DeprecatedNames names = new DeprecatedNames(Map.of("store.url", "s3.endpoint"),
      warnings::add);

  @Test
  void anOldNameBecomesItsNewNameWithOneWarning() {
    assertThat(names.apply(Map.of("store.url", "http://s3:9000", "flush.size", "5")))
        .isEqualTo(Map.of("s3.endpoint", "http://s3:9000", "flush.size", "5"));
    assertThat(names.apply(Map.of("store.url", "http://s3:9000"))).containsOnlyKeys(
        "s3.endpoint");
    assertThat(warnings).containsExactly("Setting store.url is deprecated and will be removed:"
        + " use s3.endpoint instead");
  }

  @Test
  void newNamesPassWithoutWarning() {
    assertThat(names.apply(Map.of("s3.endpoint", "http://s3:9000")))
        .isEqualTo(Map.of("s3.endpoint", "http://s3:9000"));
    assertThat(warnings).isEmpty();
  }

  @Test
  void bothNamesWithTheSameValueAreFineAndDifferentValuesAreRefused() {
    assertThat(names.apply(Map.of("store.url", "http://a:1", "s3.endpoint", "http://a:1")))
        .isEqualTo(Map.of("s3.endpoint", "http://a:1"));
    assertThatThrownBy(() -> names.apply(Map.of("store.url", "http://a:1", "s3.endpoint",
        "http://b:2"))).isInstanceOf(ConfigException.class)
        .hasMessage("store.url is the old name of s3.endpoint and both are set to different"
            + " values: set only s3.endpoint");
  }

  @Test
  void theLoggedWarningGoesToTheOwnersLoggerOnce() {
    DeprecatedNames logged = DeprecatedNames.logged(DeprecatedNamesTest.class,
        Map.of("store.url", "s3.endpoint"));
    try (LogCapture log = LogCapture.of(DeprecatedNamesTest.class)) {
      logged.apply(Map.of("store.url", "http://s3:9000"));
      logged.apply(Map.of("store.url", "http://s3:9000"));
      assertThat(log.messages()).containsExactly("WARN Setting store.url is deprecated and will"
          + " be removed: use s3.endpoint instead");
    }
  }
}
