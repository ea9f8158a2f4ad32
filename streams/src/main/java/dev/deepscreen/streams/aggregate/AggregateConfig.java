package dev.deepscreen.streams.aggregate;

import dev.deepscreen.avro.Stage;
import dev.deepscreen.streams.app.StageConfig;
import dev.deepscreen.core.strategy.EnsembleStrategy;
import dev.deepscreen.core.strategy.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/**
 * The aggregation stage's settings ({@code aggregate.*}) on top of those every stage shares.
 * Validated across fields on construction.
 */
public final class AggregateConfig extends StageConfig {

  public static final String APPLICATION_ID_DEFAULT = "deepscreen-aggregate";

  public static final String STRATEGY_CONFIG = "aggregate.strategy";
  private static final String STRATEGY_DOC = "How face scores become the video's probability:"
      + " CONFIDENT (the reference confident_strategy per model, then the mean over models), MEAN"
      + " (plain mean) or PER_TRACK (confident_strategy per person track, the most suspicious"
      + " person decides).";

  public static final String CONFIDENT_THRESHOLD_CONFIG = "aggregate.confident.threshold";
  private static final String CONFIDENT_THRESHOLD_DOC = "confident_strategy's t: faces above it"
      + " count as confidently fake. Strictly between 0 and 1.";

  public static final String ALLOW_BELOW_CONFIG = "aggregate.allow.below";
  private static final String ALLOW_BELOW_DOC = "Videos with a probability below this are"
      + " allowed.";

  public static final String BLOCK_ABOVE_CONFIG = "aggregate.block.above";
  private static final String BLOCK_ABOVE_DOC = "Videos with a probability above this are"
      + " blocked; from aggregate.allow.below up to this they go to review.";

  public static final String LABEL_THRESHOLD_CONFIG = "aggregate.label.threshold";
  private static final String LABEL_THRESHOLD_DOC = "Videos with a probability at or above this"
      + " are labelled FAKE, below it REAL.";

  public static final String TOP_FRAMES_CONFIG = "aggregate.top.frames";
  private static final String TOP_FRAMES_DOC = "How many of the most suspicious frames a verdict"
      + " lists for a reviewer.";

  public static final String COMPLETION_TIMEOUT_MS_CONFIG = "aggregate.completion.timeout.ms";
  private static final String COMPLETION_TIMEOUT_MS_DOC = "How long after its extraction summary"
      + " an event waits for missing face scores before its verdict is emitted as PARTIAL, by"
      + " stream time or by wall-clock time, whichever passes first.";

  public static final String PUNCTUATE_INTERVAL_MS_CONFIG = "aggregate.punctuate.interval.ms";
  private static final String PUNCTUATE_INTERVAL_MS_DOC = "How often timeouts and retention are"
      + " checked, in stream time and in wall-clock time.";

  public static final String DECIDED_RETENTION_MS_CONFIG = "aggregate.decided.retention.ms";
  private static final String DECIDED_RETENTION_MS_DOC = "How long (wall-clock time) an event id"
      + " is remembered after its verdict, so that a re-submitted event or late scores do not"
      + " produce a second verdict. Keep it at least the retention of the input topics.";

  public static final String ABANDONED_AFTER_MS_CONFIG = "aggregate.abandoned.after.ms";
  private static final String ABANDONED_AFTER_MS_DOC = "How long face scores whose extraction"
      + " summary never came are kept before they are dropped with a dead-letter record.";

  private static final ConfigDef CONFIG = stageConfigDef(APPLICATION_ID_DEFAULT)
      .define(STRATEGY_CONFIG, Type.STRING, Method.CONFIDENT.name(),
          ValidString.in(Arrays.stream(Method.values()).map(Enum::name).toArray(String[]::new)),
          Importance.HIGH, STRATEGY_DOC)
      .define(CONFIDENT_THRESHOLD_CONFIG, Type.DOUBLE, 0.8, Range.between(0.0, 1.0),
          Importance.MEDIUM, CONFIDENT_THRESHOLD_DOC)
      .define(ALLOW_BELOW_CONFIG, Type.DOUBLE, 0.4, Range.between(0.0, 1.0), Importance.HIGH,
          ALLOW_BELOW_DOC)
      .define(BLOCK_ABOVE_CONFIG, Type.DOUBLE, 0.7, Range.between(0.0, 1.0), Importance.HIGH,
          BLOCK_ABOVE_DOC)
      .define(LABEL_THRESHOLD_CONFIG, Type.DOUBLE, 0.5, Range.between(0.0, 1.0),
          Importance.MEDIUM, LABEL_THRESHOLD_DOC)
      .define(TOP_FRAMES_CONFIG, Type.INT, 5, Range.between(0, 1000), Importance.LOW,
          TOP_FRAMES_DOC)
      .define(COMPLETION_TIMEOUT_MS_CONFIG, Type.LONG, Duration.ofMinutes(10).toMillis(),
          Range.atLeast(1), Importance.HIGH, COMPLETION_TIMEOUT_MS_DOC)
      .define(PUNCTUATE_INTERVAL_MS_CONFIG, Type.LONG, Duration.ofSeconds(10).toMillis(),
          Range.atLeast(1), Importance.LOW, PUNCTUATE_INTERVAL_MS_DOC)
      .define(DECIDED_RETENTION_MS_CONFIG, Type.LONG, Duration.ofDays(7).toMillis(),
          Range.atLeast(0), Importance.MEDIUM, DECIDED_RETENTION_MS_DOC)
      .define(ABANDONED_AFTER_MS_CONFIG, Type.LONG, Duration.ofHours(1).toMillis(),
          Range.atLeast(1), Importance.MEDIUM, ABANDONED_AFTER_MS_DOC);

  public AggregateConfig(Map<?, ?> props) {
    super(Stage.AGGREGATE, CONFIG, props);
    validateAcrossFields();
  }

  /** The definitions, for documentation. */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  private void validateAcrossFields() {
    double threshold = getDouble(CONFIDENT_THRESHOLD_CONFIG);
    if (threshold <= 0 || threshold >= 1) {
      throw new ConfigException(CONFIDENT_THRESHOLD_CONFIG, threshold,
          "must be strictly between 0 and 1");
    }
    if (allowBelow() > blockAbove()) {
      throw new ConfigException(ALLOW_BELOW_CONFIG, allowBelow(), "must not be above "
          + BLOCK_ABOVE_CONFIG + " (" + blockAbove() + "), or no video could be reviewed");
    }
    if (abandonedAfter().compareTo(completionTimeout()) < 0) {
      throw new ConfigException(ABANDONED_AFTER_MS_CONFIG, abandonedAfter().toMillis(),
          "must be at least " + COMPLETION_TIMEOUT_MS_CONFIG + " (" + completionTimeout().toMillis()
              + "), or scores would be dropped while their summary may still come");
    }
  }

  public Method method() {
    return Method.valueOf(getString(STRATEGY_CONFIG));
  }

  public EnsembleStrategy strategy() {
    return new EnsembleStrategy(method(), getDouble(CONFIDENT_THRESHOLD_CONFIG));
  }

  public ModerationPolicy moderationPolicy() {
    return new ModerationPolicy(allowBelow(), blockAbove(), getDouble(LABEL_THRESHOLD_CONFIG));
  }

  public int topFrames() {
    return getInt(TOP_FRAMES_CONFIG);
  }

  public Duration completionTimeout() {
    return Duration.ofMillis(getLong(COMPLETION_TIMEOUT_MS_CONFIG));
  }

  public Duration punctuateInterval() {
    return Duration.ofMillis(getLong(PUNCTUATE_INTERVAL_MS_CONFIG));
  }

  public Duration decidedRetention() {
    return Duration.ofMillis(getLong(DECIDED_RETENTION_MS_CONFIG));
  }

  public Duration abandonedAfter() {
    return Duration.ofMillis(getLong(ABANDONED_AFTER_MS_CONFIG));
  }

  private double allowBelow() {
    return getDouble(ALLOW_BELOW_CONFIG);
  }

  private double blockAbove() {
    return getDouble(BLOCK_ABOVE_CONFIG);
  }
}
