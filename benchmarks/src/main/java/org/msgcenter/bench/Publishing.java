package org.msgcenter.bench;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.msgcenter.api.publish.NotificationPublisher;
import org.msgcenter.api.publish.PublisherConfig;

/**
 * Publishes notifications the way a business module does: {@code NotificationPublisher.kafka} with
 * its defaults ({@code acks=all}, idempotent, lz4, linger 5 ms), one publisher, building each
 * notification and calling {@code publish} in a loop, and counting the acknowledged futures. The
 * accept scenario measures it; the drain uses it to pre-publish its notifications.
 */
final class Publishing {

  /** The accept scenario's topic (HIGH would go to {@code <topic>.high}). */
  static final String ACCEPT_TOPIC = "bench.accept";

  /** How long one run may take at most before it is given up. */
  private static final long TIMEOUT_MINUTES = 10;

  /** What a run did: how many were acknowledged, and in how long. */
  record Outcome(long acknowledged, long nanos) {
    double rate() {
      return Progress.rate(acknowledged, nanos);
    }
  }

  private Publishing() {}

  /**
   * Publishes {@code count} notifications to {@code topic} (HIGH would go to {@code highTopic}; the
   * benchmark sends NORMAL only) and returns once every future has completed. With {@code warmUp},
   * one more notification is published and acknowledged before the clock starts.
   *
   * @throws IllegalStateException if any publish failed
   */
  @SuppressWarnings("try") // the progress printer runs beside the loop
  static Outcome publish(
      String bootstrapServers,
      String topic,
      String highTopic,
      String clientId,
      int count,
      String label,
      boolean warmUp)
      throws InterruptedException {
    PublisherConfig config =
        PublisherConfig.builder()
            .bootstrapServers(bootstrapServers)
            .topic(topic)
            .highTopic(highTopic)
            .clientId(clientId)
            .build();
    AtomicLong acked = new AtomicLong();
    AtomicLong lastAck = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    long started;
    try (NotificationPublisher publisher = NotificationPublisher.kafka(config);
        Progress progress = Progress.every(label, count, acked::get)) {
      if (warmUp) {
        // One notification first, not counted: the loop measures publishing, not the client's
        // first metadata fetch.
        publisher.publish(Payloads.notification(count)).join();
      }
      started = System.nanoTime();
      for (int i = 0; i < count && failure.get() == null; i++) {
        publisher
            .publish(Payloads.notification(i))
            .whenComplete(
                (result, error) -> {
                  if (error != null) {
                    failure.compareAndSet(null, error);
                    done.countDown();
                  } else if (acked.incrementAndGet() == count) {
                    lastAck.set(System.nanoTime());
                    done.countDown();
                  }
                });
      }
      if (!done.await(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        throw new IllegalStateException(
            label + ": " + acked.get() + " of " + count + " acknowledged after the time limit");
      }
    }
    if (failure.get() != null) {
      throw new IllegalStateException(label + ": a publish failed", failure.get());
    }
    return new Outcome(acked.get(), lastAck.get() - started);
  }

  /** The accept scenario: one publisher, notifications/s with every future acknowledged. */
  static void accept(
      Infrastructure infra, Processes processes, Results results, int count, double rawProducer)
      throws InterruptedException {
    String topic = ACCEPT_TOPIC;
    ProcStats.Snapshot cpu = processes.snapshot();
    Outcome outcome =
        publish(
            infra.bootstrapServers(),
            topic,
            topic + ".high",
            "bench-accept",
            count,
            "accept",
            true);
    Map<String, Object> usage = cpu.until();
    results.detail("accept", "cpu", usage);
    results.detail("accept", "seconds", outcome.nanos() / 1e9);
    results.detail("accept", "count", count);
    double rate = outcome.rate();
    String note =
        Progress.grouped(count)
            + " notifications built and published in a loop by one NotificationPublisher.kafka"
            + " (acks=all), all futures acknowledged";
    if (rawProducer > 0) {
      note += "; " + Math.round(100 * rate / rawProducer) + "% of the raw producer";
      results.detail("accept", "ratioToRawProducer", rate / rawProducer);
    }
    results.add(
        new Results.Figure("accept", "one publisher", rate, "notifications/s", note, usage));
    System.out.println("accept: " + Progress.plain(rate) + " notifications/s");
  }
}
