package org.msgcenter.center.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.msgcenter.api.InvalidNotificationException;
import org.msgcenter.api.Notification;
import org.msgcenter.api.NotificationCodec;
import org.msgcenter.center.delivery.Dispatcher;
import org.msgcenter.center.render.Renderer;
import org.msgcenter.center.routing.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one poll batch into stored messages and deliveries: decode and validate, route, render,
 * then one transaction with multi-row inserts ({@link IngestStore}), then dispatch of exactly the
 * deliveries this batch inserted. Bad records go to the dead-letter topic and {@code
 * rejected_record}. A transient database error is thrown as {@link TransientStoreException} for the
 * lane to retry the whole batch; a record the database refuses is found by splitting the batch and
 * rejected alone.
 */
public final class IngestProcessor {
  private static final Logger log = LoggerFactory.getLogger(IngestProcessor.class);
  private static final Pattern MESSAGE_ID =
      Pattern.compile("\"messageId\"\\s*:\\s*\"([^\"]{1,64})\"");

  /** A decoded, routed record, ready to store. */
  record Prepared(
      ConsumerRecord<String, byte[]> source,
      Notification notification,
      Router.Routing routing,
      Renderer.Rendered display) {}

  /** A refused record. */
  record Rejected(
      ConsumerRecord<String, byte[]> source, RejectReason reason, String error, String messageId) {}

  /** Thrown when the database is unavailable for a while; the batch must be retried as a whole. */
  public static final class TransientStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TransientStoreException(Throwable cause) {
      super("database unavailable: " + cause.getMessage(), cause);
    }
  }

  private final Router router;
  private final Renderer renderer;
  private final IngestStore store;
  private final DeadLetters deadLetters;
  private final Dispatcher dispatcher;
  private final Clock clock;
  private final MeterRegistry metrics;

  public IngestProcessor(
      Router router,
      Renderer renderer,
      IngestStore store,
      DeadLetters deadLetters,
      Dispatcher dispatcher,
      Clock clock,
      MeterRegistry metrics) {
    this.router = router;
    this.renderer = renderer;
    this.store = store;
    this.deadLetters = deadLetters;
    this.dispatcher = dispatcher;
    this.clock = clock;
    this.metrics = metrics;
  }

  /**
   * Processes one batch. On return the batch's rows are committed, its deliveries dispatched, and
   * its dead letters sent; the returned futures complete when the broker acknowledged them, and the
   * caller commits offsets only after that.
   *
   * @throws TransientStoreException when the database is unavailable: nothing of the batch is lost
   *     or half-dispatched; retry it
   */
  public List<Future<RecordMetadata>> process(List<ConsumerRecord<String, byte[]>> records) {
    List<Prepared> prepared = new ArrayList<>();
    List<Rejected> rejected = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (ConsumerRecord<String, byte[]> r : records) {
      metrics.counter("msgcenter.ingest.consumed", "topic", r.topic()).increment();
      try {
        Notification n = NotificationCodec.decode(r.value());
        if (!seen.add(n.messageId())) {
          continue; // the same id twice in one batch: recorded once
        }
        Router.Routing routing = router.route(n);
        prepared.add(new Prepared(r, n, routing, display(n, routing)));
      } catch (InvalidNotificationException e) {
        rejected.add(
            new Rejected(
                r,
                RejectReason.valueOf(e.reason().name()),
                e.getMessage(),
                messageIdOf(r.value())));
      } catch (Router.RouteException e) {
        rejected.add(
            new Rejected(
                r, RejectReason.valueOf(e.kind().name()), e.getMessage(), messageIdOf(r.value())));
      }
    }
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    for (Rejected r : rejected) {
      acks.add(reject(r));
    }
    persist(prepared, rejected, acks);
    return acks;
  }

  private Future<RecordMetadata> reject(Rejected r) {
    metrics.counter("msgcenter.ingest.rejected", "reason", r.reason().name()).increment();
    log.warn(
        "Rejected record {}-{}@{} (messageId {}): {} {}",
        r.source().topic(),
        r.source().partition(),
        r.source().offset(),
        r.messageId(),
        r.reason(),
        r.error());
    return deadLetters.send(r.source(), r.reason(), r.error());
  }

  private void persist(
      List<Prepared> prepared, List<Rejected> rejected, List<Future<RecordMetadata>> acks) {
    if (prepared.isEmpty() && rejected.isEmpty()) {
      return;
    }
    IngestStore.Stored stored;
    try {
      stored = store.store(prepared, rejected, clock.instant());
    } catch (RuntimeException e) {
      if (!StoreErrors.isDataError(e)) {
        throw new TransientStoreException(e);
      }
      if (prepared.size() + rejected.size() == 1) {
        if (prepared.size() == 1) {
          Prepared p = prepared.get(0);
          Rejected r =
              new Rejected(
                  p.source(),
                  RejectReason.REFUSED_BY_DATABASE,
                  "database refused the record: " + rootMessage(e),
                  p.notification().messageId());
          acks.add(reject(r));
          persist(List.of(), List.of(r), acks);
        } else {
          log.error(
              "The database refused even the rejected_record row of {}; it is on the dead-letter topic only",
              rejected.get(0).source(),
              e);
        }
        return;
      }
      if (prepared.isEmpty()) {
        int half = rejected.size() / 2;
        persist(List.of(), new ArrayList<>(rejected.subList(0, half)), acks);
        persist(List.of(), new ArrayList<>(rejected.subList(half, rejected.size())), acks);
        return;
      }
      // Split until the refused record stands alone; the batch's rejected rows go with the first
      // part.
      int half = prepared.size() / 2;
      persist(new ArrayList<>(prepared.subList(0, half)), rejected, acks);
      persist(new ArrayList<>(prepared.subList(half, prepared.size())), List.of(), acks);
      return;
    }
    for (IngestStore.ToSend s : stored.toSend()) {
      if (s.renderError() != null) {
        dispatcher.failUnsent(s.job(), s.renderError());
      } else {
        dispatcher.dispatch(s.job());
      }
    }
  }

  /**
   * The title and content the message row keeps: the given ones as they are (so a route's template
   * can wrap them again when the poller re-renders), or the template's plain rendering when the
   * notification carries a template instead.
   */
  private Renderer.Rendered display(Notification n, Router.Routing routing) {
    if (n.content().isPresent() || routing.template() == null) {
      return new Renderer.Rendered(n.title().orElse(null), n.content().orElse(null));
    }
    try {
      return renderer.render(routing.template(), "", n.params(), null, null);
    } catch (Renderer.RenderException e) {
      return new Renderer.Rendered(null, null);
    }
  }

  static Map<String, Renderer.Rendered> renderAll(
      Renderer renderer, Prepared p, Map<String, String> errors) {
    Map<String, Renderer.Rendered> out = new LinkedHashMap<>();
    Notification n = p.notification();
    for (var d : p.routing().deliveries()) {
      if (d.skipped() || out.containsKey(d.channel()) || errors.containsKey(d.channel())) {
        continue;
      }
      try {
        out.put(
            d.channel(),
            renderer.render(
                p.routing().template(),
                d.channel(),
                n.params(),
                n.title().orElse(null),
                n.content().orElse(null)));
      } catch (Renderer.RenderException e) {
        errors.put(d.channel(), e.getMessage());
      }
    }
    return out;
  }

  private static String messageIdOf(byte[] value) {
    if (value == null) {
      return null;
    }
    Matcher m =
        MESSAGE_ID.matcher(
            new String(value, 0, Math.min(value.length, 4096), StandardCharsets.UTF_8));
    return m.find() ? m.group(1) : null;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
