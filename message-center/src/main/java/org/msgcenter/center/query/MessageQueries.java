package org.msgcenter.center.query;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.ibatis.session.SqlSession;
import org.msgcenter.api.DeliveryStatus;
import org.msgcenter.api.InboxQuery;
import org.msgcenter.api.InvalidRequestException;
import org.msgcenter.api.MessageNotFoundException;
import org.msgcenter.api.MessagePage;
import org.msgcenter.api.MessageQuery;
import org.msgcenter.api.MessageQueryService;
import org.msgcenter.api.MessageView;
import org.msgcenter.api.Uuid7;
import org.msgcenter.center.query.internal.Cursor;
import org.msgcenter.center.query.internal.Requests;
import org.msgcenter.center.query.internal.ServiceCalls;
import org.msgcenter.center.query.internal.Views;
import org.msgcenter.center.store.Database;
import org.msgcenter.center.store.DeliveryRow;
import org.msgcenter.center.store.HistoryReads;
import org.msgcenter.center.store.InboxSearch;
import org.msgcenter.center.store.MessageRow;
import org.msgcenter.center.store.MessageSearch;
import org.msgcenter.center.store.QueryMapper;

/**
 * The query service: reads what the center recorded, a page at a time, each page one index range
 * (see {@code V3__query_indexes.sql}). Pages are keyset-paged on the messageId, newest first; the
 * cursor is the last id of the previous page.
 */
public final class MessageQueries implements MessageQueryService {
  /** The channel whose deliveries make up a user's inbox. */
  public static final String IN_APP = "in-app";

  /** In-app deliveries that reached the inbox. */
  static final List<String> INBOX =
      names(DeliveryStatus.SENT, DeliveryStatus.ACKED, DeliveryStatus.READ);

  /** In the inbox and not read. */
  static final List<String> UNREAD = names(DeliveryStatus.SENT, DeliveryStatus.ACKED);

  /** In the inbox and not acked by any client. */
  static final List<String> UNACKED = names(DeliveryStatus.SENT);

  private static final int MAX_USER_ID = 64;

  private final Database db;
  private final ServiceCalls calls;

  public MessageQueries(Database db, MeterRegistry metrics) {
    this.db = db;
    this.calls = new ServiceCalls(metrics);
  }

  @Override
  public MessageView getMessage(String messageId) {
    return calls.call(
        "getMessage",
        messageId,
        () -> {
          byte[] id = Requests.id("messageId", messageId);
          MessageRow row = db.read(s -> HistoryReads.message(s, id));
          if (row == null) {
            throw new MessageNotFoundException(Uuid7.fromBytes(id));
          }
          return Views.message(row, row.deliveries);
        });
  }

  @Override
  public MessagePage search(MessageQuery query) {
    return calls.call("search", String.valueOf(query), () -> doSearch(query));
  }

  private MessagePage doSearch(MessageQuery q) {
    if (q == null) {
      throw new InvalidRequestException("query", "is required");
    }
    MessageSearch p = new MessageSearch();
    p.userId = Requests.optional("userId", q.getUserId(), MAX_USER_ID);
    p.bizType = Requests.optional("bizType", q.getBizType(), 64);
    p.bizId = Requests.optional("bizId", q.getBizId(), 128);
    p.traceId = Requests.optional("traceId", q.getTraceId(), 64);
    p.status = q.getStatus() == null ? null : q.getStatus().name();
    p.channel = Requests.optional("channel", q.getChannel(), 32);
    Instant from = Requests.instant("from", q.getFrom());
    Instant to = Requests.instant("to", q.getTo());
    if (from != null && to != null && !to.isAfter(from)) {
      throw new InvalidRequestException("to", "must be after from");
    }
    if (from == null && p.userId == null && p.bizId == null && p.traceId == null) {
      throw new InvalidRequestException(
          "from",
          "is required unless userId, bizId or traceId is given: a search needs a time range or a"
              + " selective key");
    }
    int limit = Requests.limit(q.getLimit());
    p.lower = from == null ? null : Requests.idBound(from);
    p.upper =
        min(to == null ? null : Requests.idBound(to), Cursor.decode(q.getCursor(), Cursor.SEARCH));
    p.limit = limit + 1;
    return db.read(s -> page(s, s.getMapper(QueryMapper.class).search(p), limit, Cursor.SEARCH));
  }

  @Override
  public MessagePage inbox(String userId, InboxQuery query) {
    return calls.call("inbox", userId, () -> doInbox(userId, query));
  }

  private MessagePage doInbox(String userId, InboxQuery query) {
    InboxQuery q = query == null ? new InboxQuery() : query;
    InboxSearch p = new InboxSearch();
    p.userId = Requests.required("userId", userId, MAX_USER_ID);
    p.channel = IN_APP;
    p.statuses = q.isUnackedOnly() ? UNACKED : q.isUnreadOnly() ? UNREAD : INBOX;
    int limit = Requests.limit(q.getLimit());
    p.limit = limit + 1;
    byte kind;
    if (q.getSince() != null && !q.getSince().isBlank()) {
      kind = Cursor.INBOX_OLDEST;
      p.ascending = true;
      p.after = max(Requests.id("since", q.getSince()), Cursor.decode(q.getCursor(), kind));
    } else {
      kind = Cursor.INBOX_NEWEST;
      p.before = Cursor.decode(q.getCursor(), kind);
    }
    return db.read(s -> page(s, s.getMapper(QueryMapper.class).inbox(p), limit, kind));
  }

  @Override
  public long unreadCount(String userId) {
    return calls.call(
        "unreadCount",
        userId,
        () -> {
          String user = Requests.required("userId", userId, MAX_USER_ID);
          return db.read(s -> s.getMapper(QueryMapper.class).countInbox(user, IN_APP, UNREAD));
        });
  }

  private static MessagePage page(SqlSession s, List<MessageRow> rows, int limit, byte kind) {
    boolean more = rows.size() > limit;
    List<MessageRow> items = more ? rows.subList(0, limit) : rows;
    String next = more ? Cursor.encode(kind, items.get(items.size() - 1).messageId) : null;
    return new MessagePage().setItems(hydrate(s, items)).setNextCursor(next);
  }

  /** The views of these messages with their deliveries and attempts: one more index read. */
  private static List<MessageView> hydrate(SqlSession s, List<MessageRow> messages) {
    if (messages.isEmpty()) {
      return new ArrayList<>();
    }
    List<DeliveryRow> deliveries =
        HistoryReads.deliveries(s, messages.stream().map(m -> m.messageId).toList());
    return Views.messages(messages, deliveries);
  }

  private static byte[] min(byte[] a, byte[] b) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    return Arrays.compareUnsigned(a, b) <= 0 ? a : b;
  }

  private static byte[] max(byte[] a, byte[] b) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    return Arrays.compareUnsigned(a, b) >= 0 ? a : b;
  }

  private static List<String> names(DeliveryStatus... statuses) {
    return Set.of(statuses).stream().map(Enum::name).sorted().toList();
  }
}
