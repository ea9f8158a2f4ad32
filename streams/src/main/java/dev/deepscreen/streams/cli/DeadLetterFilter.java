package dev.deepscreen.streams.cli;

import dev.deepscreen.avro.DeadLetter;
import dev.deepscreen.avro.Stage;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which dead letters a command selects: from some stages, about records of some topics, given up
 * on since some time. An empty set selects every stage or topic; a null time, any time.
 */
record DeadLetterFilter(Set<Stage> stages, Set<String> topics, Instant since) {

  private static final Pattern AGO = Pattern.compile("(\\d{1,9})([smhd])");

  DeadLetterFilter {
    stages = Set.copyOf(stages);
    topics = Set.copyOf(topics);
  }

  boolean test(DeadLetter letter) {
    return (stages.isEmpty() || stages.contains(letter.getStage()))
        && (topics.isEmpty() || topics.contains(letter.getTopic()))
        && (since == null || !letter.getFailedAt().isBefore(since));
  }

  /**
   * The instant {@code --since} names: an ISO-8601 instant ({@code 2026-12-06T08:00:00Z}) or a
   * time before {@code now} in seconds, minutes, hours or days ({@code 90s}, {@code 30m},
   * {@code 2h}, {@code 7d}).
   *
   * @throws IllegalArgumentException saying what is accepted
   */
  static Instant since(String value, Instant now) {
    Matcher ago = AGO.matcher(value);
    if (ago.matches()) {
      long amount = Long.parseLong(ago.group(1));
      Duration unit = switch (ago.group(2)) {
        case "s" -> Duration.ofSeconds(1);
        case "m" -> Duration.ofMinutes(1);
        case "h" -> Duration.ofHours(1);
        default -> Duration.ofDays(1);
      };
      return now.minus(unit.multipliedBy(amount));
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("--since takes an ISO-8601 instant such as"
          + " 2026-12-06T08:00:00Z, or a time ago such as 90s, 30m, 2h or 7d: " + value);
    }
  }
}
