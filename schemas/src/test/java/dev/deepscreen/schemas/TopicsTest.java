package dev.deepscreen.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void topicNamesAndValueTypesAreDistinct() {
    List<TopicDefinition<?>> all = Topics.all();
    assertThat(all).extracting(TopicDefinition::name).doesNotHaveDuplicates()
        .allMatch(name -> name.matches("[a-z][a-z-]*"));
    assertThat(all).extracting(TopicDefinition::valueType).doesNotHaveDuplicates();
  }

  @Test
  void everyTopicHasARetentionAndACleanupPolicy() {
    for (TopicDefinition<?> topic : Topics.all()) {
      assertThat(topic.topicConfigs()).as(topic.name())
          .containsKeys("retention.ms", "cleanup.policy");
      assertThat(Long.parseLong(topic.topicConfigs().get("retention.ms"))).isPositive();
    }
  }

  @Test
  void subjectsFollowTheTopicNameStrategy() {
    assertThat(Topics.VERDICTS.valueSubject()).isEqualTo("verdicts-value");
    assertThat(Topics.VERDICTS.valueSchema().getFullName()).isEqualTo("dev.deepscreen.avro.Verdict");
  }
}
