package dev.deepscreen.streams.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deepscreen.streams.review.LoginThrottle.Attempt;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

  private static final Duration WINDOW = Duration.ofMinutes(15);

  /** A clock the test moves. */
  private static final class TestClock extends Clock {
    private Instant now = Instant.parse("2026-12-01T10:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  private final TestClock clock = new TestClock();
  private final LoginThrottle throttle = new LoginThrottle(3, WINDOW, clock);

  /** {@code times} failed attempts a minute apart; each must have been allowed. */
  private void fail(String name, String address, int times) {
    for (int i = 0; i < times; i++) {
      assertThat(throttle.begin(name, address).allowed()).as("attempt %d", i + 1).isTrue();
      clock.advance(Duration.ofMinutes(1));
    }
  }

  @Test
  void aNameIsRefusedFromAnyAddressAfterTheLimitUntilItsOldestFailureExpires() {
    fail("ada", "10.0.0.1", 1);
    fail("ada", "10.0.0.2", 1);
    fail("ada", "10.0.0.3", 1);

    Attempt refused = throttle.begin("ada", "10.0.0.4");
    assertThat(refused.allowed()).isFalse();
    // The first failure was 3 minutes ago: it leaves the window in 12.
    assertThat(refused.retryAfter()).hasValue(Duration.ofMinutes(12));
    assertThat(throttle.begin("bob", "10.0.0.4").allowed()).as("another name").isTrue();

    clock.advance(Duration.ofMinutes(12).minusMillis(1));
    assertThat(throttle.begin("ada", "10.0.0.5").allowed()).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(throttle.begin("ada", "10.0.0.5").allowed()).isTrue();
    // That attempt counts too: three within the window again.
    assertThat(throttle.begin("ada", "10.0.0.6").allowed()).isFalse();
  }

  @Test
  void anAddressIsRefusedForEveryNameAfterTheLimit() {
    fail("ada", "10.0.0.1", 1);
    fail("bob", "10.0.0.1", 1);
    fail("no such reviewer", "10.0.0.1", 1); // not a possible name: counts for the address

    assertThat(throttle.begin("carol", "10.0.0.1").retryAfter())
        .hasValue(Duration.ofMinutes(12));
    assertThat(throttle.begin("carol", "10.0.0.2").allowed()).isTrue();
    assertThat(throttle.begin(null, "10.0.0.1").allowed()).isFalse();
  }

  @Test
  void refusedAttemptsDoNotExtendTheWait() {
    fail("ada", "10.0.0.1", 3);
    for (int i = 0; i < 20; i++) {
      assertThat(throttle.begin("ada", "10.0.0.1").allowed()).isFalse();
      clock.advance(Duration.ofSeconds(30));
    }
    // 3 + 10 minutes after the first failure; refusals did not count.
    assertThat(throttle.begin("ada", "10.0.0.1").retryAfter()).hasValue(Duration.ofMinutes(2));
    clock.advance(Duration.ofMinutes(2));
    assertThat(throttle.begin("ada", "10.0.0.1").allowed()).isTrue();
  }

  @Test
  void aSuccessfulLoginClearsTheNameButNotTheAddress() {
    fail("ada", "10.0.0.1", 2);
    Attempt right = throttle.begin("ada", "10.0.0.1");
    throttle.succeeded(right);

    // The name starts again from nothing, from another address.
    fail("ada", "10.0.0.2", 2);
    assertThat(throttle.begin("ada", "10.0.0.3").allowed()).isTrue();
    // The address keeps its two failures: a third one refuses it, whatever the name.
    Attempt third = throttle.begin("bob", "10.0.0.1");
    assertThat(third.allowed()).isTrue();
    assertThat(throttle.locked(third)).isTrue();
    assertThat(throttle.begin("carol", "10.0.0.1").allowed()).isFalse();
  }

  @Test
  void anAttemptInProgressCountsSoThatConcurrentGuessesCannotExceedTheLimit() {
    Attempt first = throttle.begin("ada", "10.0.0.1");
    Attempt second = throttle.begin("ada", "10.0.0.2");
    Attempt third = throttle.begin("ada", "10.0.0.3");

    Attempt fourth = throttle.begin("ada", "10.0.0.4");
    assertThat(fourth.allowed()).isFalse();
    assertThat(first.allowed() && second.allowed() && third.allowed()).isTrue();
    throttle.succeeded(third);
    assertThat(throttle.begin("ada", "10.0.0.4").allowed()).isTrue();
    assertThatThrownBy(() -> throttle.succeeded(fourth))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sprayingNamesFromManyAddressesKeepsTheTablesBounded() {
    LoginThrottle small = new LoginThrottle(3, WINDOW, 100, clock);
    for (int i = 0; i < 10_000; i++) {
      small.begin("name" + i, "10.0." + (i / 256) + "." + (i % 256));
    }
    assertThat(small.size()).isEqualTo(200);

    // The most recent failures are kept, the oldest evicted.
    for (int i = 0; i < 2; i++) {
      small.begin("name9999", "192.168.0.1");
    }
    assertThat(small.begin("name9999", "192.168.0.2").allowed()).isFalse();

    // Expired entries go first: after the window a new name evicts none that still count.
    clock.advance(WINDOW);
    small.begin("fresh", "192.168.0.3");
    assertThat(small.size()).isEqualTo(2);
  }

  @Test
  void theRefusalSaysHowManyMinutesToWait() {
    assertThat(Pages.tooManyFailedLogins(Duration.ofMinutes(12)))
        .isEqualTo("Too many failed logins; try again in 12 minutes");
    assertThat(Pages.tooManyFailedLogins(Duration.ofSeconds(61)))
        .isEqualTo("Too many failed logins; try again in 2 minutes");
    assertThat(Pages.tooManyFailedLogins(Duration.ofSeconds(5)))
        .isEqualTo("Too many failed logins; try again in 1 minute");
  }
}
