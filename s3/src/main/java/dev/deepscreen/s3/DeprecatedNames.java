package dev.deepscreen.s3;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.LoggerFactory;

/**
 * Settings that were renamed: the old name still works, with a warning the first time each old
 * name is seen (per instance, so once per process for a {@code static} one). Setting both names
 * to different values is an error, since either choice would surprise someone.
 */
public final class DeprecatedNames {

  private final Map<String, String> renamed;
  private final Consumer<String> warn;
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  /**
   * @param renamed the new name of each old name
   * @param warn where the warnings go
   */
  public DeprecatedNames(Map<String, String> renamed, Consumer<String> warn) {
    this.renamed = Map.copyOf(renamed);
    this.warn = Objects.requireNonNull(warn);
  }

  /** Warnings logged at WARN by {@code owner}'s logger. */
  public static DeprecatedNames logged(Class<?> owner, Map<String, String> renamed) {
    return new DeprecatedNames(renamed, LoggerFactory.getLogger(owner)::warn);
  }

  /** The new name of each old name. */
  public Map<String, String> renamed() {
    return renamed;
  }

  /**
   * The settings with each old name replaced by its new one.
   *
   * @throws ConfigException when an old name and its new name have different values
   */
  public <V> Map<String, V> apply(Map<String, V> props) {
    conflicts(props).values().stream().findFirst().ifPresent(message -> {
      throw new ConfigException(message);
    });
    Map<String, V> result = new HashMap<>(props);
    renamed.forEach((old, current) -> {
      if (!props.containsKey(old)) {
        return;
      }
      result.put(current, result.remove(old));
      if (warned.add(old)) {
        warn.accept("Setting " + old + " is deprecated and will be removed: use " + current
            + " instead");
      }
    });
    return result;
  }

  /** For each new name set also under its old name to another value, the message saying so. */
  public Map<String, String> conflicts(Map<String, ?> props) {
    Map<String, String> conflicts = new TreeMap<>();
    renamed.forEach((old, current) -> {
      if (props.containsKey(old) && props.containsKey(current)
          && !Objects.equals(props.get(old), props.get(current))) {
        conflicts.put(current, old + " is the old name of " + current + " and both are set to"
            + " different values: set only " + current);
      }
    });
    return conflicts;
  }
}
