package org.msgcenter.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.msgcenter.api.publish.PublisherConfig;

/**
 * The Kafka roof: a bare produce loop with the publisher's settings (acks=all, idempotent, lz4,
 * linger 5 ms, 1 KB JSON values keyed by user id) and a bare consume loop (one consumer, 500
 * records per poll, a synchronous commit after every poll), on a topic of their own. No project
 * code on the path: these are the limits the accept scenario and the center's lanes work under.
 */
final class KafkaRoof {
  static final String TOPIC = "bench.roof";

  /** Distinct payloads sent in turn; encoding them is not part of the loop. */
  private static final int DISTINCT_PAYLOADS = 1_000;

  private final Infrastructure infra;
  private final Processes processes;
  private final Results results;

  KafkaRoof(Infrastructure infra, Processes processes, Results results) {
    this.infra = infra;
    this.processes = processes;
    this.results = results;
  }

  void run(int count) throws InterruptedException {
    byte[][] payloads = new byte[DISTINCT_PAYLOADS][];
    String[] keys = new String[DISTINCT_PAYLOADS];
    long bytes = 0;
    for (int i = 0; i < DISTINCT_PAYLOADS; i++) {
      payloads[i] = Payloads.json(i);
      keys[i] = Payloads.userId(i);
      bytes += payloads[i].length;
    }
    long averageBytes = bytes / DISTINCT_PAYLOADS;
    results.detail("roof", "kafkaRecordBytes", averageBytes);
    produce(count, payloads, keys, averageBytes);
    consume(count);
  }

  @SuppressWarnings("try") // the progress printer runs beside the loop
  private void produce(int count, byte[][] payloads, String[] keys, long averageBytes)
      throws InterruptedException {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-roof-producer");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(
        ProducerConfig.LINGER_MS_CONFIG, Long.toString(PublisherConfig.DEFAULT_LINGER.toMillis()));
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    AtomicLong acked = new AtomicLong();
    AtomicLong lastAck = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    CountDownLatch all = new CountDownLatch(1);
    long started;
    Map<String, Object> usage;
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
      producer.partitionsFor(TOPIC); // metadata first: the loop measures sending, not discovery
      ProcStats.Snapshot cpu = processes.snapshot();
      started = System.nanoTime();
      try (Progress progress = Progress.every("roof kafka produce", count, acked::get)) {
        for (int i = 0; i < count; i++) {
          int k = i % DISTINCT_PAYLOADS;
          producer.send(
              new ProducerRecord<>(TOPIC, keys[k], payloads[k]),
              (metadata, error) -> {
                if (error != null) {
                  failure.compareAndSet(null, error);
                  all.countDown();
                  return;
                }
                if (acked.incrementAndGet() == count) {
                  lastAck.set(System.nanoTime());
                  all.countDown();
                }
              });
        }
        all.await();
      }
      usage = cpu.until();
      results.detail("roof", "kafkaProduceCpu", usage);
    }
    if (failure.get() != null) {
      throw new IllegalStateException("the produce loop failed", failure.get());
    }
    long nanos = lastAck.get() - started;
    double rate = Progress.rate(count, nanos);
    results.add(
        new Results.Figure(
            "roof",
            "kafka produce",
            rate,
            "records/s",
            Progress.grouped(count)
                + " records of "
                + averageBytes
                + " B, acks=all, idempotent, lz4, linger 5 ms, one producer",
            usage));
    results.detail("roof", "kafkaProduceSeconds", nanos / 1e9);
    System.out.println("roof.kafka.produce: " + Progress.plain(rate) + " records/s");
  }

  @SuppressWarnings("try") // the progress printer runs beside the loop
  private void consume(int count) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-roof");
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-roof-consumer");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    AtomicLong consumed = new AtomicLong();
    long started = 0;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    ProcStats.Snapshot cpu = null;
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p);
        Progress progress = Progress.every("roof kafka consume", count, consumed::get)) {
      consumer.subscribe(List.of(TOPIC));
      while (consumed.get() < count) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the consume loop read " + consumed.get() + " of " + count + " records in 5 minutes");
        }
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
        if (records.isEmpty()) {
          continue;
        }
        if (started == 0) {
          // Timed from the first records: joining the group is not consuming.
          started = System.nanoTime();
          cpu = processes.snapshot();
        }
        long bytes = 0;
        for (var r : records) {
          bytes += r.value().length;
        }
        if (bytes == 0) {
          throw new IllegalStateException("empty records");
        }
        consumer.commitSync();
        consumed.addAndGet(records.count());
      }
      long nanos = System.nanoTime() - started;
      Map<String, Object> usage = cpu.until();
      results.detail("roof", "kafkaConsumeCpu", usage);
      double rate = Progress.rate(consumed.get(), nanos);
      results.add(
          new Results.Figure(
              "roof",
              "kafka consume",
              rate,
              "records/s",
              "one consumer, 500 records per poll, commitSync after every poll",
              usage));
      results.detail("roof", "kafkaConsumeSeconds", nanos / 1e9);
      results.detail(
          "roof", "kafkaConsumer", Map.of("maxPollRecords", 500, "commit", "sync, every poll"));
      System.out.println("roof.kafka.consume: " + Progress.plain(rate) + " records/s");
    }
  }
}
