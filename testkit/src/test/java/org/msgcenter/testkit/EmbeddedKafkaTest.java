package org.msgcenter.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(EmbeddedInfrastructure.class)
class EmbeddedKafkaTest {

  @Test
  void kafka_describes_its_cluster(EmbeddedKafka kafka) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      DescribeClusterResult cluster = admin.describeCluster();

      assertThat(cluster.clusterId().get(10, TimeUnit.SECONDS)).isNotBlank();
      assertThat(cluster.nodes().get(10, TimeUnit.SECONDS))
          .singleElement()
          .satisfies(node -> assertThat(node.port()).isEqualTo(kafka.port()));
    }
  }

  @Test
  void a_record_produced_to_a_created_topic_is_consumed(EmbeddedKafka kafka) throws Exception {
    String topic = uniqueTopic();
    kafka.createTopics(3, topic);

    produce(kafka, topic, "user-1", "hello");

    assertThat(consumeOne(kafka, topic).value()).isEqualTo("hello");
  }

  @Test
  void creating_an_existing_topic_again_is_harmless(EmbeddedKafka kafka) throws Exception {
    String topic = uniqueTopic();
    kafka.createTopics(2, topic);

    kafka.createTopics(5, topic);

    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      var description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      assertThat(description.partitions()).hasSize(2);
    }
  }

  @Test
  void kafka_keeps_a_record_across_stop_and_start(@TempDir Path dataDir) throws Exception {
    try (EmbeddedKafka kafka = new EmbeddedKafka(0, dataDir).start()) {
      String bootstrapServers = kafka.bootstrapServers();
      kafka.createTopics(1, "kept");
      produce(kafka, "kept", "key", "survives a restart");

      kafka.stop();
      assertThat(kafka.isRunning()).isFalse();
      kafka.start();

      assertThat(kafka.bootstrapServers()).isEqualTo(bootstrapServers);
      assertThat(consumeOne(kafka, "kept").value()).isEqualTo("survives a restart");
    }
    assertThat(dataDir.resolve("meta.properties")).exists();
  }

  @Test
  void a_port_in_use_is_named_in_the_error() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        EmbeddedKafka kafka = new EmbeddedKafka(taken.getLocalPort(), null)) {
      assertThatThrownBy(kafka::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Kafka port " + taken.getLocalPort() + " is already in use");
    }
  }

  private static String uniqueTopic() {
    return "test-" + UUID.randomUUID();
  }

  private static void produce(EmbeddedKafka kafka, String topic, String key, String value)
      throws Exception {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
      producer.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
    }
  }

  private static ConsumerRecord<String, String> consumeOne(EmbeddedKafka kafka, String topic) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "test-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            StringDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            StringDeserializer.class);
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
      consumer.subscribe(List.of(topic));
      List<ConsumerRecord<String, String>> records = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (records.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      assertThat(records).as("records on %s within 30 s", topic).hasSize(1);
      return records.get(0);
    }
  }
}
