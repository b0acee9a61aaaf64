package org.msgcenter.center.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.baomidou.mybatisplus.core.MybatisConfiguration;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.ibatis.binding.MapperMethod;
import org.apache.ibatis.mapping.BoundSql;
import org.apache.ibatis.mapping.ParameterMapping;
import org.apache.ibatis.reflection.MetaObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.msgcenter.center.config.CenterConfig;
import org.msgcenter.center.query.internal.Requests;
import org.msgcenter.center.store.ClaimReads;
import org.msgcenter.center.store.CommandMapper;
import org.msgcenter.center.store.Database;
import org.msgcenter.center.store.DeliveryMapper;
import org.msgcenter.center.store.HistoryReads;
import org.msgcenter.center.store.HotUpdates;
import org.msgcenter.center.store.InboxSearch;
import org.msgcenter.center.store.MessageMapper;
import org.msgcenter.center.store.MessageSearch;
import org.msgcenter.center.store.QueryMapper;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.TestDatabase;

/**
 * Every statement of the query and command services, exactly as its mapper (or HistoryReads) writes
 * it, is EXPLAINed on MariaDB against 50,000 messages (with their deliveries and attempts) after
 * {@code ANALYZE TABLE}: none may read {@code message}, {@code delivery} or {@code
 * delivery_attempt} from end to end (access type {@code ALL}, or {@code index}: a full index scan),
 * and a search by a key within an id range (a time window or a cursor) must read the range of the
 * key, not all of its entries.
 */
@ExtendWith(EmbeddedInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryIndexIT {
  private static final int MESSAGES = 50_000;
  private static final int USERS = 1_000;
  private static final Instant START = Instant.parse("2026-10-01T00:00:00Z");
  private static final long SPAN_MS = 30L * 24 * 3600 * 1000;
  private static final List<String> TABLES =
      List.of("message", "delivery", "delivery_attempt", "m", "d", "a");

  private TestDatabase db;
  private final MybatisConfiguration mybatis = new MybatisConfiguration();
  private final List<byte[]> messageIds = new ArrayList<>();
  private final List<byte[]> deliveryIds = new ArrayList<>();

  @BeforeAll
  void seed(TestDatabase db) throws SQLException {
    this.db = db;
    try (Database migrated =
        Database.open(new CenterConfig.Db(db.jdbcUrl(), db.user(), db.password(), 2))) {
      // The schema as Flyway leaves it, then plain JDBC below.
    }
    mybatis.setMapUnderscoreToCamelCase(true);
    mybatis.addMapper(QueryMapper.class);
    mybatis.addMapper(CommandMapper.class);
    mybatis.addMapper(MessageMapper.class);
    mybatis.addMapper(DeliveryMapper.class);
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      insertAll(c);
      c.commit();
      try (Statement st = c.createStatement()) {
        st.execute("ANALYZE TABLE message, delivery, delivery_attempt");
      }
      c.commit();
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
  }

  private void insertAll(Connection c) throws SQLException {
    Random random = new Random(42);
    String now = "'2026-11-01 00:00:00.000'";
    StringBuilder messages = new StringBuilder();
    StringBuilder deliveries = new StringBuilder();
    StringBuilder attempts = new StringBuilder();
    int inBatch = 0;
    for (int i = 0; i < MESSAGES; i++) {
      long ms = START.toEpochMilli() + SPAN_MS * i / MESSAGES;
      byte[] id = uuid7(ms, random);
      messageIds.add(id);
      String user = "u-" + random.nextInt(USERS);
      String status = i % 10 == 0 ? "FAILED" : i % 17 == 0 ? "DISPATCHING" : "DELIVERED";
      messages
          .append(messages.length() == 0 ? "" : ",")
          .append("(")
          .append(hex(id))
          .append(",'trace-")
          .append(i)
          .append("','biz.type")
          .append(i % 20)
          .append("','order-")
          .append(i / 5)
          .append("','")
          .append(user)
          .append("','NORMAL','")
          .append(status)
          .append("','t','c',NULL,")
          .append(hex(id))
          .append(",'msgcenter.notifications',0,")
          .append(i)
          .append(",")
          .append(now)
          .append(",")
          .append(now)
          .append(")");
      String[] inApp = {"SENT", "ACKED", "READ", "READ"};
      delivery(deliveries, attempts, id, "in-app", user, inApp[random.nextInt(4)], ms, random);
      if (i % 4 == 0) {
        delivery(
            deliveries,
            attempts,
            id,
            "webhook",
            "https://hooks.example.com/" + i,
            i % 8 == 0 ? "DEAD" : "RETRYING",
            ms,
            random);
      }
      if (++inBatch == 1_000 || i == MESSAGES - 1) {
        flush(c, messages, deliveries, attempts);
        inBatch = 0;
      }
    }
  }

  private void delivery(
      StringBuilder deliveries,
      StringBuilder attempts,
      byte[] messageId,
      String channel,
      String address,
      String status,
      long ms,
      Random random) {
    byte[] id = uuid7(ms + 1, random);
    deliveryIds.add(id);
    deliveries
        .append(deliveries.length() == 0 ? "" : ",")
        .append("(")
        .append(hex(id))
        .append(",")
        .append(hex(messageId))
        .append(",'")
        .append(channel)
        .append("','")
        .append(address)
        .append("',UNHEX(MD5('")
        .append(address)
        .append("')),'")
        .append(status)
        .append("','NORMAL',1,'")
        .append(address.startsWith("u-") ? address : "u-x")
        .append("','2026-11-01 00:00:00.000','2026-11-01 00:00:00.000')");
    attempts
        .append(attempts.length() == 0 ? "" : ",")
        .append("(")
        .append(hex(id))
        .append(",0,1,'2026-11-01 00:00:00.000','2026-11-01 00:00:00.010','SENT','center-a')");
  }

  private static void flush(
      Connection c, StringBuilder messages, StringBuilder deliveries, StringBuilder attempts)
      throws SQLException {
    try (Statement st = c.createStatement()) {
      st.executeUpdate(
          "INSERT INTO message (message_id, trace_id, biz_type, biz_id, user_id, priority, status,"
              + " title, content, data, ingest_token, source_topic, source_partition,"
              + " source_offset, created_at, updated_at) VALUES "
              + messages);
      st.executeUpdate(
          "INSERT INTO delivery (delivery_id, message_id, channel, address, address_hash, status,"
              + " priority, attempts, user_id, created_at, updated_at) VALUES "
              + deliveries);
      st.executeUpdate(
          "INSERT INTO delivery_attempt (delivery_id, resend_round, attempt, started_at,"
              + " finished_at, outcome, instance_id) VALUES "
              + attempts);
    }
    messages.setLength(0);
    deliveries.setLength(0);
    attempts.setLength(0);
  }

  private static byte[] uuid7(long ms, Random random) {
    long msb = (ms << 16) | 0x7000L | random.nextInt(0x1000);
    long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return ByteBuffer.allocate(16).putLong(msb).putLong(lsb).array();
  }

  private static String hex(byte[] id) {
    StringBuilder s = new StringBuilder("UNHEX('");
    for (byte b : id) {
      s.append(String.format("%02x", b));
    }
    return s.append("')").toString();
  }

  /** A 6-hour window in the middle of the 30 days: about 400 messages. */
  private static MessageSearch window() {
    MessageSearch q = new MessageSearch();
    q.lower = Requests.idBound(START.plusSeconds(15L * 24 * 3600));
    q.upper = Requests.idBound(START.plusSeconds(15L * 24 * 3600 + 6 * 3600));
    q.limit = 51;
    return q;
  }

  private static MessageSearch search() {
    MessageSearch q = new MessageSearch();
    q.limit = 51;
    return q;
  }

  private static InboxSearch inbox(List<String> statuses) {
    InboxSearch q = new InboxSearch();
    q.userId = "u-7";
    q.channel = "in-app";
    q.statuses = statuses;
    q.limit = 51;
    return q;
  }

  private Map<String, Map<String, Object>> shapes() {
    Map<String, Map<String, Object>> shapes = new LinkedHashMap<>();
    byte[] someMessage = messageIds.get(MESSAGES / 2);
    LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
    List<String> unread = MessageQueries.UNREAD;

    MessageSearch byUser = search();
    byUser.userId = "u-7";
    shapes.put("QueryMapper.search", Map.of("q", byUser));
    MessageSearch byUserPage = search();
    byUserPage.userId = "u-7";
    byUserPage.upper = someMessage;
    byUserPage.status = "DELIVERED";
    byUserPage.channel = "webhook";
    shapes.put("QueryMapper.search#user+status+channel+cursor", Map.of("q", byUserPage));
    MessageSearch byType = window();
    byType.bizType = "biz.type3";
    shapes.put("QueryMapper.search#bizType+time", Map.of("q", byType));
    MessageSearch byUserInWindow = window();
    byUserInWindow.userId = "u-7";
    shapes.put("QueryMapper.search#userId+time", Map.of("q", byUserInWindow));
    MessageSearch byBizIdInWindow = window();
    byBizIdInWindow.bizId = "order-777";
    shapes.put("QueryMapper.search#bizId+time", Map.of("q", byBizIdInWindow));
    MessageSearch byBizId = search();
    byBizId.bizId = "order-777";
    shapes.put("QueryMapper.search#bizId", Map.of("q", byBizId));
    MessageSearch byTrace = search();
    byTrace.traceId = "trace-4242";
    shapes.put("QueryMapper.search#traceId", Map.of("q", byTrace));
    shapes.put("QueryMapper.search#time", Map.of("q", window()));
    MessageSearch byStatus = window();
    byStatus.status = "FAILED";
    shapes.put("QueryMapper.search#status+time", Map.of("q", byStatus));
    MessageSearch byChannel = window();
    byChannel.channel = "webhook";
    shapes.put("QueryMapper.search#channel+time", Map.of("q", byChannel));
    InboxSearch newest = inbox(MessageQueries.INBOX);
    newest.before = someMessage;
    shapes.put("QueryMapper.inbox#newest", Map.of("q", newest));
    InboxSearch replay = inbox(MessageQueries.UNACKED);
    replay.after = messageIds.get(1_000);
    replay.ascending = true;
    shapes.put("QueryMapper.inbox#since", Map.of("q", replay));
    shapes.put(
        "QueryMapper.countInbox", Map.of("userId", "u-7", "channel", "in-app", "statuses", unread));
    shapes.put(
        "QueryMapper.selectDeliveries", Map.of("messageIds", messageIds.subList(20_000, 20_200)));

    // The poller's start-up release runs on the same growing table as its claim (plainShapes).
    shapes.put(
        "DeliveryMapper.releaseOwnLeases",
        Map.of("owner", "instance-1", "channels", List.of("in-app", "webhook"), "now", now));
    shapes.put(
        "CommandMapper.lockInStates",
        Map.of("messageId", someMessage, "states", List.of("DEAD", "RETRYING")));
    List<byte[]> deliveries = deliveryIds.subList(10_000, 10_003);
    shapes.put(
        "CommandMapper.resend",
        Map.of("ids", deliveries, "from", List.of("DEAD", "RETRYING"), "now", now));
    shapes.put(
        "CommandMapper.cancel",
        Map.of("ids", deliveries, "from", List.of("PENDING", "RETRYING", "SCHEDULED"), "now", now));
    List<byte[]> marked = messageIds.subList(40_000, 40_050);
    shapes.put(
        "CommandMapper.selectWithInApp",
        Map.of("messageIds", marked, "userId", "u-7", "channel", "in-app"));
    shapes.put(
        "CommandMapper.markRead",
        Map.of(
            "messageIds",
            marked,
            "userId",
            "u-7",
            "channel",
            "in-app",
            "from",
            List.of("ACKED", "SENDING", "SENT"),
            "now",
            now));
    return shapes;
  }

  /** The statements written in plain JDBC (HistoryReads, ClaimReads), with their parameters. */
  private Map<String, Plain> plainShapes() {
    LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
    Map<String, Plain> shapes = new LinkedHashMap<>();
    shapes.put(
        "HistoryReads.MESSAGE",
        new Plain(HistoryReads.MESSAGE, List.of(messageIds.get(MESSAGES / 2))));
    List<Object> page = List.copyOf(messageIds.subList(30_000, 30_200));
    shapes.put("HistoryReads.pageHistory", new Plain(HistoryReads.pageHistory(page.size()), page));
    shapes.put(
        "HotUpdates.lockMessages", new Plain(HotUpdates.lockSql(1), List.of(messageIds.get(0))));
    // The poller's claim.
    shapes.put("ClaimReads.DUE", new Plain(ClaimReads.DUE, List.of("in-app", "NORMAL", now, 400)));
    List<Object> due = new ArrayList<>(deliveryIds.subList(5_000, 5_200));
    due.add(now);
    shapes.put("ClaimReads.lockDue", new Plain(ClaimReads.lockDue(200), due));
    List<Object> claimed = new ArrayList<>(messageIds.subList(5_000, 5_200));
    claimed.add(200);
    shapes.put("ClaimReads.lockMessages", new Plain(ClaimReads.lockMessages(200, true), claimed));
    List<Object> sending = List.copyOf(messageIds.subList(5_000, 5_200));
    shapes.put("ClaimReads.forSending", new Plain(ClaimReads.forSending(200), sending));
    return shapes;
  }

  private record Plain(String sql, List<Object> values) {}

  @Test
  void every_query_and_command_statement_reads_an_index_range() throws SQLException {
    List<String> scans = new ArrayList<>();
    StringBuilder plans = new StringBuilder();
    try (Connection c = connect()) {
      Map<String, List<Map<String, Object>>> explained = new LinkedHashMap<>();
      for (var shape : shapes().entrySet()) {
        String statement = shape.getKey().replaceAll("#.*", "");
        explained.put(shape.getKey(), explain(c, statement, shape.getValue()));
      }
      for (var shape : plainShapes().entrySet()) {
        explained.put(
            shape.getKey(), explain(c, shape.getValue().sql(), shape.getValue().values()));
      }
      for (var shape : explained.entrySet()) {
        for (Map<String, Object> row : shape.getValue()) {
          plans.append(shape.getKey()).append(": ").append(row).append('\n');
          String table = String.valueOf(row.get("table"));
          String type = String.valueOf(row.get("type"));
          if (TABLES.contains(table) && (type.equals("ALL") || type.equals("index"))) {
            scans.add(shape.getKey() + " reads " + table + " whole (" + row + ")");
          }
          if (table.equals("m")
              && shape.getKey().matches(".*#\\w+\\+(time|.*cursor).*")
              && type.equals("ref")) {
            // A key and an id range: "ref" on the key alone walks every entry of the key from the
            // newest and tests the range on each (millions for a business type), not one page.
            scans.add(shape.getKey() + " ignores its id range (" + row + ")");
          }
        }
      }
    }
    System.out.println("Query plans over " + MESSAGES + " messages:\n" + plans);
    assertThat(scans).as("full scans").isEmpty();
    assertThat(plans.toString()).contains("QueryMapper.search#bizType+time");
  }

  private List<Map<String, Object>> explain(
      Connection c, String statement, Map<String, Object> params) throws SQLException {
    MapperMethod.ParamMap<Object> param = new MapperMethod.ParamMap<>();
    param.putAll(params);
    BoundSql bound =
        mybatis.getMappedStatement("org.msgcenter.center.store." + statement).getBoundSql(param);
    MetaObject meta = mybatis.newMetaObject(param);
    List<Object> values = new ArrayList<>();
    for (ParameterMapping pm : bound.getParameterMappings()) {
      String name = pm.getProperty();
      values.add(
          bound.hasAdditionalParameter(name)
              ? bound.getAdditionalParameter(name)
              : meta.getValue(name));
    }
    return explain(c, bound.getSql(), values);
  }

  private static List<Map<String, Object>> explain(Connection c, String sql, List<Object> values)
      throws SQLException {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
      int i = 1;
      for (Object value : values) {
        ps.setObject(i++, value);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (String col : List.of("table", "type", "key", "rows", "Extra")) {
            row.put(col, rs.getObject(col));
          }
          rows.add(row);
        }
      }
    }
    assertThat(rows).as(sql + " has a plan").isNotEmpty();
    return rows;
  }
}
