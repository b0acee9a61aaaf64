package org.msgcenter.center.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.msgcenter.api.DeliveryStatus;
import org.msgcenter.api.MessageStatus;
import org.msgcenter.api.Notification;
import org.msgcenter.api.Priority;
import org.msgcenter.api.Uuid7;
import org.msgcenter.center.channel.OutboundDelivery;
import org.msgcenter.center.delivery.ChannelPolicy;
import org.msgcenter.center.delivery.DispatchJob;
import org.msgcenter.center.delivery.Dispatcher;
import org.msgcenter.center.render.Renderer;
import org.msgcenter.center.routing.QuietHours;
import org.msgcenter.center.routing.Router;
import org.msgcenter.center.store.BatchInserts;
import org.msgcenter.center.store.Database;
import org.msgcenter.center.store.DedupMapper;
import org.msgcenter.center.store.DedupRow;
import org.msgcenter.center.store.DeliveryRow;
import org.msgcenter.center.store.HotUpdates;
import org.msgcenter.center.store.MessageMapper;
import org.msgcenter.center.store.MessageRow;
import org.msgcenter.center.store.RejectedRecordMapper;
import org.msgcenter.center.store.RejectedRow;
import org.msgcenter.center.store.Times;

/**
 * The ingest transaction of one batch: multi-row insert of the messages (a messageId already stored
 * is skipped), select back the ones this batch inserted (its token is on them), dedupKey claims,
 * multi-row insert of the new messages' deliveries, their derived status, and the batch's rejected
 * records. Deliveries are written SENDING under a lease when their channel had capacity (reserved
 * here, given back if the transaction fails), PENDING when it had none, SCHEDULED for a future
 * {@code sendAt}, EXPIRED past {@code expireAt}, SKIPPED without address.
 */
public final class IngestStore {

  /** A delivery written SENDING, to dispatch after the commit; or one that cannot render. */
  public record ToSend(DispatchJob job, String renderError) {}

  /** What one transaction stored. */
  public record Stored(List<ToSend> toSend, int inserted, int duplicates, int suppressed) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Database db;
  private final Dispatcher dispatcher;
  private final Renderer renderer;
  private final Map<String, ChannelPolicy> policies;
  private final java.time.Duration leaseMargin;
  private final String instanceId;
  private final Uuid7 ids;

  public IngestStore(
      Database db,
      Dispatcher dispatcher,
      Renderer renderer,
      Map<String, ChannelPolicy> policies,
      java.time.Duration leaseMargin,
      String instanceId,
      Uuid7 ids) {
    this.db = db;
    this.dispatcher = dispatcher;
    this.renderer = renderer;
    this.policies = Map.copyOf(policies);
    this.leaseMargin = leaseMargin;
    this.instanceId = instanceId;
    this.ids = ids;
  }

  Stored store(
      List<IngestProcessor.Prepared> prepared,
      List<IngestProcessor.Rejected> rejected,
      Instant now) {
    List<String> reserved = new ArrayList<>();
    try {
      return db.inTransaction(s -> write(s, prepared, rejected, now, reserved));
    } catch (RuntimeException e) {
      reserved.forEach(dispatcher::cancelReservation);
      throw e;
    }
  }

  private Stored write(
      org.apache.ibatis.session.SqlSession s,
      List<IngestProcessor.Prepared> prepared,
      List<IngestProcessor.Rejected> rejected,
      Instant now,
      List<String> reserved) {
    var nowUtc = Times.utc(now);
    List<ToSend> toSend = new ArrayList<>();
    int inserted = 0;
    int suppressed = 0;
    if (!prepared.isEmpty()) {
      byte[] token = Uuid7.toBytes(ids.next());
      List<MessageRow> rows = new ArrayList<>(prepared.size());
      for (IngestProcessor.Prepared p : prepared) {
        rows.add(messageRow(p, token, nowUtc));
      }
      MessageMapper messages = s.getMapper(MessageMapper.class);
      // Skip the ids already stored before inserting, so that a redelivered batch takes no row
      // locks on stored messages; the insert still ignores a duplicate that raced in meanwhile.
      Set<String> existing = new HashSet<>();
      for (byte[] id : messages.selectExisting(rows.stream().map(r -> r.messageId).toList())) {
        existing.add(Uuid7.fromBytes(id));
      }
      rows.removeIf(r -> existing.contains(Uuid7.fromBytes(r.messageId)));
      if (!rows.isEmpty()) {
        BatchInserts.messages(s, rows);
      }
      List<byte[]> newIds =
          rows.isEmpty()
              ? List.of()
              : messages.selectInsertedBy(rows.stream().map(r -> r.messageId).toList(), token);
      Map<String, IngestProcessor.Prepared> fresh = new LinkedHashMap<>();
      for (byte[] id : newIds) {
        fresh.put(Uuid7.fromBytes(id), null);
      }
      for (IngestProcessor.Prepared p : prepared) {
        if (fresh.containsKey(p.notification().messageId())) {
          fresh.put(p.notification().messageId(), p);
        }
      }
      inserted = fresh.size();
      suppressed = suppressDuplicates(s, fresh, now);

      List<DeliveryRow> deliveries = new ArrayList<>();
      // Stored DISPATCHING; a SENDING or PENDING delivery keeps a message so, and only the others
      // (all scheduled, skipped or expired) need their status derived.
      List<byte[]> toDerive = new ArrayList<>();
      for (IngestProcessor.Prepared p : fresh.values()) {
        Map<String, String> renderErrors = new HashMap<>();
        Map<String, Renderer.Rendered> rendered =
            IngestProcessor.renderAll(renderer, p, renderErrors);
        boolean dispatching = false;
        for (Router.PlannedDelivery planned : p.routing().deliveries()) {
          DeliveryRow d = deliveryRow(p, planned, now, reserved);
          deliveries.add(d);
          if (DeliveryStatus.SENDING.name().equals(d.status)) {
            toSend.add(
                toSend(p, d, rendered.get(planned.channel()), renderErrors.get(planned.channel())));
          }
          dispatching |=
              DeliveryStatus.SENDING.name().equals(d.status)
                  || DeliveryStatus.PENDING.name().equals(d.status);
        }
        if (!dispatching) {
          toDerive.add(Uuid7.toBytes(p.notification().messageId()));
        }
      }
      BatchInserts.deliveries(s, deliveries);
      HotUpdates.deriveStatus(s, toDerive, nowUtc);
    }
    if (!rejected.isEmpty()) {
      s.getMapper(RejectedRecordMapper.class)
          .insertIgnoringDuplicates(rejected.stream().map(r -> rejectedRow(r, nowUtc)).toList());
    }
    return new Stored(toSend, inserted, prepared.size() - inserted, suppressed);
  }

  /**
   * Claims dedup keys; a message whose key another message holds is SUPPRESSED and dropped from
   * {@code fresh}.
   */
  private int suppressDuplicates(
      org.apache.ibatis.session.SqlSession s,
      Map<String, IngestProcessor.Prepared> fresh,
      Instant now) {
    List<DedupRow> claims = new ArrayList<>();
    for (IngestProcessor.Prepared p : fresh.values()) {
      Notification n = p.notification();
      if (n.dedupKey().isPresent() && n.recipient().userId().isPresent()) {
        DedupRow row = new DedupRow();
        row.userId = n.recipient().userId().get();
        row.bizType = n.bizType();
        row.dedupKey = n.dedupKey().get();
        row.messageId = Uuid7.toBytes(n.messageId());
        row.expiresAt = Times.utc(now.plus(p.routing().dedupWindow()));
        claims.add(row);
      }
    }
    if (claims.isEmpty()) {
      return 0;
    }
    DedupMapper dedup = s.getMapper(DedupMapper.class);
    dedup.claim(claims, Times.utc(now));
    int suppressed = 0;
    for (DedupRow holder : dedup.select(claims)) {
      for (DedupRow claim : claims) {
        if (claim.userId.equals(holder.userId)
            && claim.bizType.equals(holder.bizType)
            && claim.dedupKey.equals(holder.dedupKey)
            && !Arrays.equals(claim.messageId, holder.messageId)) {
          s.getMapper(MessageMapper.class)
              .markSuppressed(claim.messageId, holder.messageId, Times.utc(now));
          fresh.remove(Uuid7.fromBytes(claim.messageId));
          suppressed++;
        }
      }
    }
    return suppressed;
  }

  private MessageRow messageRow(
      IngestProcessor.Prepared p, byte[] token, java.time.LocalDateTime now) {
    Notification n = p.notification();
    MessageRow m = new MessageRow();
    m.messageId = Uuid7.toBytes(n.messageId());
    m.traceId = n.traceId().orElse(n.messageId());
    m.bizType = n.bizType();
    m.bizId = n.bizId().orElse(null);
    m.userId = n.recipient().userId().orElse(null);
    m.source = n.source().orElse(null);
    m.priority = p.routing().priority().name();
    m.status = MessageStatus.DISPATCHING.name();
    m.template = p.routing().template();
    m.params = n.params().isEmpty() ? null : json(n.params());
    m.title = p.display().title();
    m.content = p.display().content();
    m.data = n.data().isEmpty() ? null : json(n.data());
    m.sendAt = Times.utc(n.sendAt().orElse(null));
    m.expireAt = Times.utc(n.expireAt().orElse(null));
    m.dedupKey = n.dedupKey().orElse(null);
    m.ingestToken = token;
    m.sourceTopic = p.source().topic();
    m.sourcePartition = p.source().partition();
    m.sourceOffset = p.source().offset();
    m.createdAt = now;
    m.updatedAt = now;
    return m;
  }

  private DeliveryRow deliveryRow(
      IngestProcessor.Prepared p,
      Router.PlannedDelivery planned,
      Instant now,
      List<String> reserved) {
    Notification n = p.notification();
    DeliveryRow d = new DeliveryRow();
    d.deliveryId = Uuid7.toBytes(ids.next());
    d.messageId = Uuid7.toBytes(n.messageId());
    d.channel = planned.channel();
    d.address = planned.address();
    d.addressHash = hash(planned.address());
    d.priority = p.routing().priority().name();
    d.userId = n.recipient().userId().orElse(null);
    d.createdAt = Times.utc(now);
    d.updatedAt = d.createdAt;
    if (planned.skipped()) {
      d.status = DeliveryStatus.SKIPPED.name();
      d.lastError = planned.skipReason();
    } else if (n.expireAt().isPresent() && !n.expireAt().get().isAfter(now)) {
      d.status = DeliveryStatus.EXPIRED.name();
      d.lastError = "expired at " + n.expireAt().get() + " before it was sent";
    } else if (sendAt(p, now).isAfter(now)) {
      d.status = DeliveryStatus.SCHEDULED.name();
      d.nextAttemptAt = Times.utc(sendAt(p, now));
    } else if (dispatcher.tryReserve(
        planned.channel(), planned.address(), p.routing().priority())) {
      reserved.add(planned.channel());
      d.status = DeliveryStatus.SENDING.name();
      d.attempts = 1;
      d.leaseOwner = instanceId;
      d.nextAttemptAt =
          Times.utc(now.plus(policies.get(planned.channel()).timeout()).plus(leaseMargin));
    } else {
      d.status = DeliveryStatus.PENDING.name();
      d.nextAttemptAt = Times.utc(now);
    }
    return d;
  }

  /**
   * When a delivery may first go: its {@code sendAt} or now, moved to the end of the route's quiet
   * hours when that falls inside them (HIGH priority goes through quiet hours).
   */
  private static Instant sendAt(IngestProcessor.Prepared p, Instant now) {
    Notification n = p.notification();
    Instant at = n.sendAt().filter(t -> t.isAfter(now)).orElse(now);
    QuietHours quiet = p.routing().quietHours();
    if (quiet == null || p.routing().priority() == Priority.HIGH) {
      return at;
    }
    return quiet.deferUntil(at, n.recipient().timeZone().orElse(null)).orElse(at);
  }

  private ToSend toSend(
      IngestProcessor.Prepared p, DeliveryRow d, Renderer.Rendered rendered, String renderError) {
    Notification n = p.notification();
    OutboundDelivery out =
        new OutboundDelivery(
            Uuid7.fromBytes(d.deliveryId),
            n.messageId(),
            n.traceId().orElse(n.messageId()),
            n.bizType(),
            n.bizId().orElse(null),
            n.recipient().userId().orElse(null),
            d.channel,
            d.address,
            rendered == null ? null : rendered.title(),
            rendered == null ? "" : rendered.content(),
            rendered == null ? null : rendered.html(),
            n.data(),
            Times.instant(d.createdAt),
            1);
    return new ToSend(
        new DispatchJob(out, p.routing().priority(), instanceId, Times.instant(d.nextAttemptAt), 0),
        renderError);
  }

  private static RejectedRow rejectedRow(IngestProcessor.Rejected r, java.time.LocalDateTime now) {
    RejectedRow row = new RejectedRow();
    row.sourceTopic = r.source().topic();
    row.sourcePartition = r.source().partition();
    row.sourceOffset = r.source().offset();
    row.recordKey = r.source().key() == null ? null : truncate(r.source().key(), 255);
    row.messageId = r.messageId() == null ? null : truncate(r.messageId(), 64);
    row.reason = r.reason().name();
    row.error = truncate(r.error(), 2000);
    row.payload = r.source().value();
    row.createdAt = now;
    return row;
  }

  static byte[] hash(String address) {
    try {
      return Arrays.copyOf(
          MessageDigest.getInstance("SHA-256").digest(address.getBytes(StandardCharsets.UTF_8)),
          16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String json(Map<String, Object> value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
