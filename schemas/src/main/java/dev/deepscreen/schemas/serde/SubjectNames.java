package dev.deepscreen.schemas.serde;

/**
 * Confluent's TopicNameStrategy: the subject of a topic's values is {@code <topic>-value} and of
 * its keys {@code <topic>-key}, so each topic's schema evolves under its own compatibility rules.
 */
public final class SubjectNames {
  private SubjectNames() {}

  public static String forTopic(String topic, boolean isKey) {
    return topic + (isKey ? "-key" : "-value");
  }
}
