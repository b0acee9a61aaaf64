package org.msgcenter.center.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes refused records to the dead-letter topic: the original key, bytes and headers, plus
 * headers saying why and where from ({@code msgcenter.reason}, {@code msgcenter.error}, {@code
 * msgcenter.source.topic}, {@code msgcenter.source.partition}, {@code msgcenter.source.offset}).
 */
public final class DeadLetters implements AutoCloseable {
  public static final String REASON = "msgcenter.reason";
  public static final String ERROR = "msgcenter.error";
  public static final String SOURCE_TOPIC = "msgcenter.source.topic";
  public static final String SOURCE_PARTITION = "msgcenter.source.partition";
  public static final String SOURCE_OFFSET = "msgcenter.source.offset";

  private final String topic;
  private final Producer<String, byte[]> producer;

  public DeadLetters(String topic, Map<String, Object> producerSettings) {
    this.topic = topic;
    Properties p = new Properties();
    p.putAll(producerSettings);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(
        ProducerConfig.CLIENT_ID_CONFIG,
        p.getOrDefault(ProducerConfig.CLIENT_ID_CONFIG, "msgcenter") + "-dlq");
    this.producer = new KafkaProducer<>(p);
  }

  /** Starts publishing; the future completes when the broker acknowledged. */
  public Future<RecordMetadata> send(
      ConsumerRecord<String, byte[]> source, RejectReason reason, String error) {
    ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, source.key(), source.value());
    for (Header h : source.headers()) {
      r.headers().add(h);
    }
    r.headers().add(REASON, bytes(reason.name()));
    r.headers().add(ERROR, bytes(error));
    r.headers().add(SOURCE_TOPIC, bytes(source.topic()));
    r.headers().add(SOURCE_PARTITION, bytes(String.valueOf(source.partition())));
    r.headers().add(SOURCE_OFFSET, bytes(String.valueOf(source.offset())));
    return producer.send(r);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    producer.close();
  }
}
