package org.msgcenter.center.command;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.apache.ibatis.session.SqlSession;
import org.msgcenter.api.DeliveryStatus;
import org.msgcenter.api.InvalidRequestException;
import org.msgcenter.api.MessageCommandService;
import org.msgcenter.api.MessageNotFoundException;
import org.msgcenter.api.ResendResult;
import org.msgcenter.api.SkippedDelivery;
import org.msgcenter.api.Uuid7;
import org.msgcenter.center.delivery.Transitions;
import org.msgcenter.center.query.MessageQueries;
import org.msgcenter.center.query.internal.Requests;
import org.msgcenter.center.query.internal.ServiceCalls;
import org.msgcenter.center.store.CommandMapper;
import org.msgcenter.center.store.Database;
import org.msgcenter.center.store.DeliveryRow;
import org.msgcenter.center.store.HotUpdates;
import org.msgcenter.center.store.QueryMapper;
import org.msgcenter.center.store.Times;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command service. Each command is one transaction in the center's lock order: the message rows
 * first ({@link HotUpdates#lockMessages}, in id order), then the deliveries, with every update
 * conditional on the from-states of {@link Transitions} and its row count checked, and the message
 * status derived again in SQL. Deliveries the retry poller is claiming at that instant are passed
 * over (SKIP LOCKED), never waited for: the poller locks deliveries before messages.
 */
public final class MessageCommands implements MessageCommandService {
  private static final Logger log = LoggerFactory.getLogger(MessageCommands.class);

  /** Most messages one markRead may name. */
  public static final int MAX_MARK_READ = Requests.MAX_LIMIT;

  static final List<DeliveryStatus> RESENDABLE =
      List.of(DeliveryStatus.DEAD, DeliveryStatus.RETRYING);
  static final List<DeliveryStatus> CANCELLABLE =
      List.of(DeliveryStatus.PENDING, DeliveryStatus.RETRYING, DeliveryStatus.SCHEDULED);
  private static final int TRIES = 3;

  static {
    RESENDABLE.forEach(s -> Transitions.require(s, DeliveryStatus.PENDING));
    CANCELLABLE.forEach(s -> Transitions.require(s, DeliveryStatus.CANCELLED));
  }

  private final Database db;
  private final Clock clock;
  private final ServiceCalls calls;

  public MessageCommands(Database db, Clock clock, MeterRegistry metrics) {
    this.db = db;
    this.clock = clock;
    this.calls = new ServiceCalls(metrics);
  }

  @Override
  public int markRead(String userId, List<String> messageIds) {
    return calls.call("markRead", userId, () -> doMarkRead(userId, messageIds));
  }

  private int doMarkRead(String userId, List<String> messageIds) {
    String user = Requests.required("userId", userId, 64);
    if (messageIds == null) {
      throw new InvalidRequestException("messageIds", "is required");
    }
    if (messageIds.size() > MAX_MARK_READ) {
      throw new InvalidRequestException(
          "messageIds", "must name at most " + MAX_MARK_READ + " (was " + messageIds.size() + ")");
    }
    TreeMap<String, byte[]> ids = new TreeMap<>();
    for (int i = 0; i < messageIds.size(); i++) {
      byte[] id = Requests.id("messageIds[" + i + "]", messageIds.get(i));
      ids.put(Uuid7.fromBytes(id), id);
    }
    if (ids.isEmpty()) {
      return 0;
    }
    List<String> from = names(Transitions.from(DeliveryStatus.READ));
    int changed =
        db.inTransactionRetrying(
            TRIES,
            s -> {
              LocalDateTime now = Times.utc(clock.instant());
              CommandMapper commands = s.getMapper(CommandMapper.class);
              List<byte[]> owned =
                  commands.selectWithInApp(
                      new ArrayList<>(ids.values()), user, MessageQueries.IN_APP);
              if (owned.isEmpty()) {
                return 0;
              }
              HotUpdates.lockMessages(s, owned);
              int n = commands.markRead(owned, user, MessageQueries.IN_APP, from, now);
              if (n > 0) {
                HotUpdates.deriveStatus(s, owned, now);
              }
              return n;
            });
    log.debug("markRead by {}: {} of {} messages read", user, changed, ids.size());
    return changed;
  }

  @Override
  public ResendResult resend(String messageId) {
    return calls.call(
        "resend",
        messageId,
        () -> {
          byte[] id = Requests.id("messageId", messageId);
          ResendResult result = db.inTransactionRetrying(TRIES, s -> doResend(s, id));
          log.info(
              "Resend of message {}: {} deliveries back to PENDING {}, skipped {}",
              result.getMessageId(),
              result.getResent().size(),
              result.getResent(),
              result.getSkipped());
          return result;
        });
  }

  private ResendResult doResend(SqlSession s, byte[] messageId) {
    LocalDateTime now = Times.utc(clock.instant());
    lockMessage(s, messageId);
    CommandMapper commands = s.getMapper(CommandMapper.class);
    List<String> from = names(RESENDABLE);
    List<byte[]> locked = commands.lockInStates(messageId, from);
    if (!locked.isEmpty()) {
      checkCount("resend", locked, commands.resend(locked, from, now));
      HotUpdates.deriveStatus(s, List.of(messageId), now);
    }
    Set<String> resent = hex(locked);
    List<SkippedDelivery> skipped = new ArrayList<>();
    for (DeliveryRow d : s.getMapper(QueryMapper.class).selectDeliveries(List.of(messageId))) {
      String deliveryId = Uuid7.fromBytes(d.deliveryId);
      if (!resent.contains(deliveryId)) {
        skipped.add(
            new SkippedDelivery()
                .setDeliveryId(deliveryId)
                .setReason(reason(d.status, from, "resendable")));
      }
    }
    return new ResendResult()
        .setMessageId(Uuid7.fromBytes(messageId))
        .setResent(new ArrayList<>(resent))
        .setSkipped(skipped);
  }

  @Override
  public boolean cancel(String messageId) {
    return calls.call(
        "cancel",
        messageId,
        () -> {
          byte[] id = Requests.id("messageId", messageId);
          int cancelled =
              db.inTransactionRetrying(
                  TRIES,
                  s -> {
                    LocalDateTime now = Times.utc(clock.instant());
                    lockMessage(s, id);
                    CommandMapper commands = s.getMapper(CommandMapper.class);
                    List<String> from = names(CANCELLABLE);
                    List<byte[]> locked = commands.lockInStates(id, from);
                    if (locked.isEmpty()) {
                      return 0;
                    }
                    checkCount("cancel", locked, commands.cancel(locked, from, now));
                    HotUpdates.deriveStatus(s, List.of(id), now);
                    return locked.size();
                  });
          log.info("Cancel of message {}: {} deliveries cancelled", Uuid7.fromBytes(id), cancelled);
          return cancelled > 0;
        });
  }

  private static void lockMessage(SqlSession s, byte[] messageId) {
    if (HotUpdates.lockMessages(s, List.of(messageId)) == 0) {
      throw new MessageNotFoundException(Uuid7.fromBytes(messageId));
    }
  }

  /** The rows are locked by this transaction: any other count means the table changed under it. */
  private static void checkCount(String command, List<byte[]> locked, int changed) {
    if (changed != locked.size()) {
      throw new IllegalStateException(
          command + " of " + locked.size() + " locked deliveries changed " + changed + " rows");
    }
  }

  private static String reason(String status, List<String> from, String what) {
    return from.contains(status)
        ? "busy: being claimed for sending at this instant; try again"
        : "status " + status + " is not " + what + " (only " + String.join(", ", from) + ")";
  }

  private static List<String> names(Collection<DeliveryStatus> statuses) {
    return statuses.stream().map(Enum::name).sorted().toList();
  }

  private static Set<String> hex(List<byte[]> ids) {
    Set<String> out = new LinkedHashSet<>();
    ids.forEach(id -> out.add(Uuid7.fromBytes(id)));
    return out;
  }
}
