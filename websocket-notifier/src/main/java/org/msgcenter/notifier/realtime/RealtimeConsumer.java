package org.msgcenter.notifier.realtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of the realtime topic with {@code assign()}: no consumer group, so every
 * notifier instance sees every event, and no offsets committed. The partitions present at start are
 * read from their end (what a notifier missed while down is replayed from the center's inbox, not
 * from Kafka); partitions that appear later are read from their beginning. Each event goes to the
 * handler on this consumer's own thread, in partition order (per user, since the center keys events
 * by user id).
 *
 * <p>The loop never dies: a failure is logged, counted and the loop goes on after a short pause.
 */
public final class RealtimeConsumer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RealtimeConsumer.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration PARTITION_CHECK = Duration.ofSeconds(30);
  private static final Duration ERROR_PAUSE = Duration.ofSeconds(1);

  private final String topic;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Consumer<RealtimeEvent> handler;
  private final Clock clock;
  private final Counter received;
  private final Counter invalid;
  private final Counter errors;
  private final Thread thread;
  private final CountDownLatch assigned = new CountDownLatch(1);
  private final Set<TopicPartition> partitions = new HashSet<>();
  private volatile boolean running = true;
  private volatile Instant lastPoll;
  private Instant nextPartitionCheck = Instant.MIN;

  public RealtimeConsumer(
      String topic,
      Map<String, Object> clientSettings,
      Consumer<RealtimeEvent> handler,
      Clock clock,
      MeterRegistry metrics) {
    this.topic = topic;
    this.handler = handler;
    this.clock = clock;
    Map<String, Object> s = new LinkedHashMap<>(clientSettings);
    s.remove(ConsumerConfig.GROUP_ID_CONFIG);
    s.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    s.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    this.consumer = new KafkaConsumer<>(s, new StringDeserializer(), new ByteArrayDeserializer());
    this.received = metrics.counter("notifier.realtime.received");
    this.invalid = metrics.counter("notifier.realtime.invalid");
    this.errors = metrics.counter("notifier.loop.errors", "loop", "realtime");
    this.lastPoll = clock.instant();
    this.thread = new Thread(this::run, "realtime-consumer");
    this.thread.setDaemon(true);
  }

  /**
   * Starts reading; waits up to {@code wait} for the topic's partitions to be assigned and their
   * end offsets fixed, so that every event written after this returns is seen.
   *
   * @return whether the partitions were assigned in time (reading starts later otherwise)
   */
  public boolean start(Duration wait) throws InterruptedException {
    thread.start();
    boolean ok = assigned.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    if (!ok) {
      log.warn(
          "Topic {} has no partitions yet after {}; events will be read once it has", topic, wait);
    }
    return ok;
  }

  private void run() {
    while (running) {
      try {
        refreshPartitions();
        if (partitions.isEmpty()) {
          Thread.sleep(POLL.toMillis());
          continue;
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
          handle(r);
        }
        lastPoll = clock.instant();
      } catch (WakeupException e) {
        // close() was called
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Throwable t) {
        errors.increment();
        log.error("Realtime consumer of {} failed; going on", topic, t);
        pause();
      }
    }
  }

  private void handle(ConsumerRecord<String, byte[]> r) {
    RealtimeEvent event;
    try {
      event = RealtimeEvent.parse(r.value());
    } catch (IllegalArgumentException e) {
      invalid.increment();
      log.warn(
          "Skipped realtime event {}-{}@{}: {}",
          r.topic(),
          r.partition(),
          r.offset(),
          e.getMessage());
      return;
    }
    received.increment();
    try {
      handler.accept(event);
    } catch (Throwable t) {
      errors.increment();
      log.error(
          "Realtime event messageId={} deliveryId={} could not be handed out",
          event.messageId(),
          event.deliveryId(),
          t);
    }
  }

  private void refreshPartitions() {
    Instant now = clock.instant();
    if (!partitions.isEmpty() && now.isBefore(nextPartitionCheck)) {
      return;
    }
    nextPartitionCheck = now.plus(PARTITION_CHECK);
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
    if (infos == null || infos.isEmpty()) {
      return;
    }
    List<TopicPartition> added = new ArrayList<>();
    for (PartitionInfo p : infos) {
      TopicPartition tp = new TopicPartition(topic, p.partition());
      if (!partitions.contains(tp)) {
        added.add(tp);
      }
    }
    if (added.isEmpty()) {
      return;
    }
    boolean first = partitions.isEmpty();
    partitions.addAll(added);
    consumer.assign(partitions);
    if (first) {
      consumer.seekToEnd(added);
    } else {
      consumer.seekToBeginning(added);
    }
    // Resolve the positions now, so "from the end" means the end at start, not at the first poll.
    added.forEach(consumer::position);
    log.info(
        "Reading {} partition(s) of {} from their {}",
        added.size(),
        topic,
        first ? "end" : "beginning");
    assigned.countDown();
  }

  private void pause() {
    try {
      Thread.sleep(ERROR_PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** A problem for the health check, or null while polling goes on. */
  public String problem() {
    if (assigned.getCount() > 0) {
      return "topic " + topic + " has no partitions yet";
    }
    Duration since = Duration.between(lastPoll, clock.instant());
    return since.compareTo(Duration.ofSeconds(30)) > 0 ? "no poll for " + since : null;
  }

  /** Stops reading and closes the consumer. Idempotent. */
  @Override
  public void close() {
    if (!running) {
      return;
    }
    running = false;
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    consumer.close(Duration.ofSeconds(2));
  }
}
