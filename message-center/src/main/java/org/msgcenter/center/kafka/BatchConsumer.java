package org.msgcenter.center.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer loop over one topic, on its own thread: the center's lanes (normal, HIGH) and its
 * receipts consumer. Per poll it hands the batch to its {@link Handler}, waits for the
 * acknowledgements the handler returns (dead letters), and only then commits the batch's offsets.
 * When the handler fails it seeks back to the batch's first offsets, backs off (200 ms doubling to
 * 10 s) and hands over the same batch again: it never polls past a batch it has not handled.
 * Rebalances happen inside {@code poll}, when no batch is in hand, so a revoked partition never has
 * handled but uncommitted records.
 */
public final class BatchConsumer implements Runnable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BatchConsumer.class);
  private static final long MAX_BACKOFF_MS = 10_000;

  /** Handles one poll batch. */
  @FunctionalInterface
  public interface Handler {
    /**
     * @return futures the offsets must wait for (such as dead letters being acknowledged)
     * @throws Exception when the batch must be handled again
     */
    List<? extends Future<?>> handle(List<ConsumerRecord<String, byte[]>> batch) throws Exception;
  }

  private final String name;
  private final String topic;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Handler handler;
  private final Counter failures;
  private final KafkaClientMetrics kafkaMetrics;
  private volatile boolean running = true;
  private volatile Thread thread;

  public BatchConsumer(
      String name,
      String topic,
      Map<String, Object> consumerSettings,
      Handler handler,
      MeterRegistry metrics) {
    this.name = name;
    this.topic = topic;
    Properties p = new Properties();
    p.putAll(consumerSettings);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(
        ConsumerConfig.CLIENT_ID_CONFIG,
        p.getOrDefault(ConsumerConfig.CLIENT_ID_CONFIG, "msgcenter") + "-" + name);
    this.consumer = new KafkaConsumer<>(p);
    this.handler = handler;
    this.failures = metrics.counter("msgcenter.consumer.failures", "lane", name);
    this.kafkaMetrics = new KafkaClientMetrics(consumer, List.of(Tag.of("lane", name)));
    kafkaMetrics.bindTo(metrics);
  }

  public Thread start() {
    Thread t = new Thread(this, "consumer-" + name);
    thread = t;
    t.start();
    return t;
  }

  @Override
  public void run() {
    consumer.subscribe(List.of(topic));
    long backoffMs = 0;
    try {
      while (running) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
        if (records.isEmpty()) {
          continue;
        }
        try {
          List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(records.count());
          records.forEach(batch::add);
          for (Future<?> ack : handler.handle(batch)) {
            ack.get(30, TimeUnit.SECONDS);
          }
          consumer.commitSync(nextOffsets(records));
          backoffMs = 0;
        } catch (Throwable t) {
          failures.increment();
          backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(200, backoffMs * 2));
          log.warn(
              "Consumer {}: batch of {} records not handled ({}); handling the same batch again in {} ms",
              name,
              records.count(),
              t.getMessage(),
              backoffMs,
              t);
          seekBack(records);
          sleep(backoffMs);
        }
      }
    } finally {
      consumer.close(Duration.ofSeconds(5));
      kafkaMetrics.close();
      log.info("Consumer {} stopped", name);
    }
  }

  private void seekBack(ConsumerRecords<String, byte[]> records) {
    for (TopicPartition tp : records.partitions()) {
      consumer.seek(tp, records.records(tp).get(0).offset());
    }
  }

  private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(
      ConsumerRecords<String, byte[]> records) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : records.partitions()) {
      List<ConsumerRecord<String, byte[]>> rs = records.records(tp);
      offsets.put(tp, new OffsetAndMetadata(rs.get(rs.size() - 1).offset() + 1));
    }
    return offsets;
  }

  /** Sleeps in short steps so that a stop during an outage is not held up by the backoff. */
  private void sleep(long ms) {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    try {
      while (running && System.nanoTime() < until) {
        Thread.sleep(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /**
   * Stops after the batch in hand is handled and its offsets committed (polls return within 200 ms,
   * so no wakeup is needed); waits for the thread. Idempotent.
   */
  @Override
  public void close() {
    running = false;
    Thread t = thread;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
