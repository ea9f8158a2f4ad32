package dev.deepscreen.embedded;

import dev.deepscreen.schemas.TopicDefinition;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A one-node Kafka cluster in this JVM: a combined KRaft controller and broker listening on
 * loopback only, with its logs in a temporary folder removed on close. It is the broker of the
 * embedded mode and of the integration tests. Internal topics have one replica, so transactions
 * (exactly_once_v2) work on the single node.
 */
public final class InProcessKafkaCluster implements AutoCloseable {

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaClusterTestKit cluster;
  private final Admin admin;

  private InProcessKafkaCluster(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
    this.admin = cluster.admin();
  }

  /** Formats and starts a cluster and waits until its broker is ready. */
  public static InProcessKafkaCluster start() {
    return start(Map.of());
  }

  /**
   * Formats and starts a cluster with extra broker settings and waits until its broker is ready.
   *
   * @throws IllegalStateException if the cluster cannot start
   */
  public static InProcessKafkaCluster start(Map<String, String> brokerConfig) {
    KafkaClusterTestKit cluster = null;
    try {
      KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(
          new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
              .setNumControllerNodes(1).build())
          .setConfigProp("offsets.topic.replication.factor", "1")
          .setConfigProp("offsets.topic.num.partitions", "3")
          .setConfigProp("transaction.state.log.replication.factor", "1")
          .setConfigProp("transaction.state.log.min.isr", "1")
          .setConfigProp("transaction.state.log.num.partitions", "3")
          .setConfigProp("group.initial.rebalance.delay.ms", "0")
          .setConfigProp("auto.create.topics.enable", "false");
      brokerConfig.forEach(builder::setConfigProp);
      cluster = builder.build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new InProcessKafkaCluster(cluster);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      closeQuietly(cluster);
      throw new IllegalStateException("Cannot start the in-process Kafka cluster: " + e, e);
    }
  }

  /** The broker's address, {@code localhost:<port>}. */
  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** An admin client owned by the cluster; do not close it. */
  public Admin admin() {
    return admin;
  }

  /**
   * Creates the topics with their partitions and settings, one replica each, and returns once
   * every partition has a leader.
   */
  public void createTopics(Collection<? extends TopicDefinition<?>> topics) {
    createTopics(topics.stream().map(t -> new NewTopic(t.name(), t.partitions(), (short) 1)
        .configs(t.topicConfigs())).toList());
  }

  /** Creates a plain topic with one replica. */
  public void createTopic(String name, int partitions) {
    createTopics(List.of(new NewTopic(name, partitions, (short) 1)));
  }

  private void createTopics(List<NewTopic> topics) {
    try {
      admin.createTopics(topics).all()
          .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      // A new partition answers produce requests with NOT_LEADER_OR_FOLLOWER until its leader
      // is ready, and an idempotent producer retrying its first batch can then get stuck on
      // out-of-order sequence numbers. Asking every leader for its end offset waits for them:
      // the admin client retries such errors itself, but not a topic its metadata does not
      // show yet, which is retried here.
      Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
      for (NewTopic topic : topics) {
        for (int p = 0; p < topic.numPartitions(); p++) {
          partitions.put(new TopicPartition(topic.name(), p), OffsetSpec.latest());
        }
      }
      long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
      while (true) {
        try {
          admin.listOffsets(partitions).all()
              .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
          break;
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
              || System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(50);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Cannot create topics "
          + topics.stream().map(NewTopic::name).toList() + ": " + e.getMessage(), e);
    }
  }

  /** Stops the broker and deletes its data. */
  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
    closeQuietly(cluster);
  }

  private static void closeQuietly(KafkaClusterTestKit cluster) {
    if (cluster == null) {
      return;
    }
    try {
      cluster.close();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      // The cluster's files are temporary; a failure to stop cleanly leaves nothing to recover.
    }
  }
}
