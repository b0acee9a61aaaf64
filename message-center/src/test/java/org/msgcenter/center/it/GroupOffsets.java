package org.msgcenter.center.it;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** How far a consumer group has committed on a topic, compared with the topic's end offsets. */
final class GroupOffsets implements AutoCloseable {
  private final Admin admin;

  GroupOffsets(String bootstrapServers) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    this.admin = Admin.create(p);
  }

  /** The end offset of each partition of {@code topic}. */
  Map<TopicPartition, Long> end(String topic) {
    try {
      int partitions =
          admin
              .describeTopics(java.util.List.of(topic))
              .allTopicNames()
              .get()
              .get(topic)
              .partitions()
              .size();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int i = 0; i < partitions; i++) {
        latest.put(new TopicPartition(topic, i), OffsetSpec.latest());
      }
      Map<TopicPartition, Long> out = new HashMap<>();
      admin.listOffsets(latest).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The offsets {@code group} committed on {@code topic}; 0 for a partition with none. */
  Map<TopicPartition, Long> committed(String group, String topic) {
    try {
      Map<TopicPartition, OffsetAndMetadata> all =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, Long> out = new HashMap<>();
      for (TopicPartition tp : end(topic).keySet()) {
        OffsetAndMetadata o = all.get(tp);
        out.put(tp, o == null ? 0L : o.offset());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Records of {@code topic} that {@code group} has not committed yet. */
  long lag(String group, String topic) {
    Map<TopicPartition, Long> end = end(topic);
    Map<TopicPartition, Long> committed = committed(group, topic);
    long lag = 0;
    for (var e : end.entrySet()) {
      lag += Math.max(0, e.getValue() - committed.getOrDefault(e.getKey(), 0L));
    }
    return lag;
  }

  /** Sum of the offsets {@code group} committed on {@code topic}. */
  long committedTotal(String group, String topic) {
    return committed(group, topic).values().stream().mapToLong(Long::longValue).sum();
  }

  @Override
  public void close() {
    admin.close();
  }
}
