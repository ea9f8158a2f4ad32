package dev.deepscreen.streams.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ReviewConfigTest {

  private static final String HASH = PasswordHash.of("a long password".toCharArray(), 10_000)
      .toString();

  @Test
  void withoutReviewersTheServerRefusesToStart() {
    assertThatThrownBy(() -> new ReviewConfig(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("review.users is empty: the review server needs at least one reviewer"
            + " (name:hash, the hash from 'deepscreen review hash-password'), in the settings"
            + " file or DEEPSCREEN_REVIEW_USERS; there is no default login");
  }

  @Test
  void aMalformedReviewerIsNamedButTheHashIsNotPrinted() {
    assertThatThrownBy(() -> new ReviewConfig(Map.of(ReviewConfig.USERS_CONFIG,
        "ada:plaintext-password")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value [hidden] for configuration review.users: reviewer ada: a"
            + " password hash has the form pbkdf2-sha256$<iterations>$<salt>$<key>, as"
            + " 'deepscreen review hash-password' prints it");
    assertThatThrownBy(() -> new ReviewConfig(Map.of(ReviewConfig.USERS_CONFIG,
        "ada:" + HASH + ",ada:" + HASH)))
        .hasMessageEndingWith("reviewer ada is listed twice");
    assertThatThrownBy(() -> new ReviewConfig(Map.of(ReviewConfig.USERS_CONFIG,
        "a b:" + HASH)))
        .hasMessageEndingWith("each reviewer is name:hash with a name of 1 to 64 letters,"
            + " digits or ._@- (entry 1)");
  }

  @Test
  void theDefaultsServeLoopbackOnly() {
    ReviewConfig config = new ReviewConfig(Map.of(ReviewConfig.USERS_CONFIG, "ada:" + HASH));
    assertThat(config.bindAddress()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(8090);
    assertThat(config.cookieSecure()).isFalse();
    assertThat(config.reviewers().authenticate("ada", "a long password".toCharArray()))
        .hasValue("ada");
    assertThat(config.reviewers().authenticate("ada", "a wrong password".toCharArray()))
        .isEmpty();
    assertThat(config.reviewers().authenticate("bob", "a long password".toCharArray()))
        .isEmpty();
  }

  @Test
  void aHashReadsBackAndRefusesTooFewIterations() {
    PasswordHash hash = PasswordHash.parse(HASH);
    assertThat(hash.toString()).isEqualTo(HASH);
    assertThat(hash.matches("a long password".toCharArray())).isTrue();
    assertThatThrownBy(() -> PasswordHash.parse(HASH.replace("$10000$", "$100$")))
        .hasMessage("the hash has 100 iterations, fewer than the 10000 accepted");
  }

  @Test
  void theLoginThrottleSettingsHaveDefaultsAndBounds() {
    String users = "ada:" + HASH;
    ReviewConfig defaults = new ReviewConfig(Map.of(ReviewConfig.USERS_CONFIG, users));
    assertThat(defaults.loginMaxFailures()).isEqualTo(5);
    assertThat(defaults.loginFailureWindow()).isEqualTo(java.time.Duration.ofMinutes(15));
    assertThatThrownBy(() -> new ReviewConfig(Map.of(ReviewConfig.USERS_CONFIG, users,
        ReviewConfig.LOGIN_MAX_FAILURES_CONFIG, "0")))
        .hasMessage("Invalid value 0 for configuration review.login.max.failures: Value must be"
            + " at least 1");
    assertThatThrownBy(() -> new ReviewConfig(Map.of(ReviewConfig.USERS_CONFIG, users,
        ReviewConfig.LOGIN_FAILURE_WINDOW_MS_CONFIG, "10")))
        .hasMessage("Invalid value 10 for configuration review.login.failure.window.ms: Value"
            + " must be at least 1000");
  }

  @Test
  void trustedProxiesAreAddressesOrBlocksAndAMistakeIsNamed() throws Exception {
    String users = "ada:" + HASH;
    ReviewConfig none = new ReviewConfig(Map.of(ReviewConfig.USERS_CONFIG, users));
    assertThat(none.clientAddress().of(java.net.InetAddress.getByName("10.0.0.1"),
        java.util.List.of("203.0.113.9"))).isEqualTo("10.0.0.1");
    ReviewConfig ingress = new ReviewConfig(Map.of(ReviewConfig.USERS_CONFIG, users,
        ReviewConfig.TRUSTED_PROXIES_CONFIG, "10.0.0.0/8, fd00::/8"));
    assertThat(ingress.clientAddress().of(java.net.InetAddress.getByName("10.0.0.1"),
        java.util.List.of("203.0.113.9"))).isEqualTo("203.0.113.9");
    assertThatThrownBy(() -> new ReviewConfig(Map.of(ReviewConfig.USERS_CONFIG, users,
        ReviewConfig.TRUSTED_PROXIES_CONFIG, "10.0.0.0/8,ingress-nginx")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("review.trusted.proxies")
        .hasMessageEndingWith("'ingress-nginx' is not an IP address or CIDR block");
  }
}
