package org.msgcenter.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.msgcenter.api.Uuid7;
import org.msgcenter.center.config.CenterConfig;
import org.msgcenter.center.store.Database;

/**
 * The SQL roof: one connection writes, for each notification, what the center writes for one
 * notification with two deliveries, into the center's own schema (created by the center's Flyway
 * migration), batched per poll like the center. Per batch, two transactions in series:
 *
 * <ol>
 *   <li>the ingest: a multi-row insert of the messages (DISPATCHING) and one of their deliveries
 *       (in-app and webhook, SENDING under a lease);
 *   <li>the outcomes: the conditional update of the deliveries to SENT (by primary key, only while
 *       SENDING under this lease, with the row count checked), a multi-row insert of one {@code
 *       delivery_attempt} row per delivery, and the conditional update of the messages to DELIVERED
 *       (row count checked).
 * </ol>
 *
 * Ids are UUIDv7 in {@code BINARY(16)}. No reads, no locks taken first, no Kafka: the bare cost of
 * the writes, at the database's commit latency.
 */
final class SqlRoof {
  static final String DATABASE = "bench_roof";

  private static final String LEASE_OWNER = "bench-roof";
  private static final String WEBHOOK_URL = "http://127.0.0.1:8099/bench/hook";
  private final Infrastructure infra;
  private final Processes processes;
  private final Results results;
  private final Uuid7 ids = new Uuid7(Clock.systemUTC());

  SqlRoof(Infrastructure infra, Processes processes, Results results) {
    this.infra = infra;
    this.processes = processes;
    this.results = results;
  }

  /**
   * Runs {@code count} notifications in batches of {@code batch}.
   *
   * @return notifications per second
   */
  @SuppressWarnings("try") // the progress printer runs beside the loop
  double run(int count, int batch) throws SQLException {
    infra.freshDatabase(DATABASE);
    String url = infra.jdbcUrl(DATABASE);
    // The center's Flyway migration creates its tables; the loop below uses plain JDBC.
    Database.open(new CenterConfig.Db(url, Infrastructure.USER, Infrastructure.PASSWORD, 2))
        .close();
    AtomicLong done = new AtomicLong();
    double rate;
    Map<String, Object> usage;
    try (Connection c =
            DriverManager.getConnection(url, Infrastructure.USER, Infrastructure.PASSWORD);
        Connection root = infra.rootConnection(null)) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      DbStatus before = DbStatus.read(root);
      ProcStats.Snapshot cpu = processes.snapshot();
      long started = System.nanoTime();
      try (Progress progress = Progress.every("roof sql", count, done::get)) {
        for (int first = 0; first < count; first += batch) {
          int n = Math.min(batch, count - first);
          writeBatch(c, first, n);
          done.addAndGet(n);
        }
      }
      long nanos = System.nanoTime() - started;
      usage = cpu.until();
      results.detail("roof", "sqlCpu", usage);
      results.detail(
          "roof", "sqlDatabaseCounters", before.delta(DbStatus.read(root), count, "notification"));
      rate = Progress.rate(count, nanos);
      results.detail("roof", "sqlSeconds", nanos / 1e9);
      verify(c, count);
    } finally {
      infra.dropDatabase(DATABASE);
    }
    results.add(
        new Results.Figure(
            "roof",
            "sql, one connection",
            rate,
            "notifications/s",
            Progress.grouped(count)
                + " notifications in batches of "
                + batch
                + ": message + 2 deliveries, then 2 updates to SENT + 2 attempt rows + message"
                + " status; 2 commits per batch",
            usage));
    results.detail("roof", "sqlBatch", batch);
    System.out.println("roof.sql: " + Progress.plain(rate) + " notifications/s");
    return rate;
  }

  private void writeBatch(Connection c, int first, int n) throws SQLException {
    LocalDateTime now = utc(Instant.now());
    byte[] token = Uuid7.toBytes(ids.next());
    byte[][] messageIds = new byte[n][];
    byte[][] deliveryIds = new byte[2 * n][];
    // Transaction 1: the ingest.
    try (PreparedStatement m = c.prepareStatement(insert("message", MESSAGE_COLUMNS, n))) {
      int p = 1;
      for (int i = 0; i < n; i++) {
        long k = first + i;
        messageIds[i] = Uuid7.toBytes(ids.next());
        m.setBytes(p++, messageIds[i]);
        m.setString(p++, Payloads.traceId(k));
        m.setString(p++, Payloads.BIZ_TYPE);
        m.setString(p++, Payloads.reference(k));
        m.setString(p++, Payloads.userId(k));
        m.setString(p++, "bench");
        m.setString(p++, "NORMAL");
        m.setString(p++, "DISPATCHING");
        m.setString(p++, Payloads.TEMPLATE);
        m.setString(p++, Payloads.paramsJson(k));
        m.setString(p++, Payloads.TITLE);
        m.setString(p++, Payloads.renderedContent(k));
        m.setString(p++, Payloads.dataJson(k));
        m.setObject(p++, null);
        m.setObject(p++, null);
        m.setObject(p++, null);
        m.setBytes(p++, token);
        m.setString(p++, "msgcenter.notifications");
        m.setInt(p++, (int) (k % Infrastructure.PARTITIONS));
        m.setLong(p++, k / Infrastructure.PARTITIONS);
        m.setObject(p++, now);
        m.setObject(p++, now);
      }
      m.executeUpdate();
    }
    LocalDateTime lease = now.plusSeconds(40);
    for (int from = 0; from < 2 * n; from += 1000) {
      int rows = Math.min(1000, 2 * n - from);
      try (PreparedStatement d = c.prepareStatement(insert("delivery", DELIVERY_COLUMNS, rows))) {
        int p = 1;
        for (int r = from; r < from + rows; r++) {
          long k = first + r / 2;
          boolean inApp = r % 2 == 0;
          String address = inApp ? Payloads.userId(k) : WEBHOOK_URL;
          deliveryIds[r] = Uuid7.toBytes(ids.next());
          d.setBytes(p++, deliveryIds[r]);
          d.setBytes(p++, messageIds[r / 2]);
          d.setString(p++, inApp ? "in-app" : "webhook");
          d.setString(p++, address);
          d.setBytes(p++, hash(address));
          d.setString(p++, "SENDING");
          d.setString(p++, "NORMAL");
          d.setInt(p++, 1);
          d.setObject(p++, lease);
          d.setString(p++, LEASE_OWNER);
          d.setString(p++, Payloads.userId(k));
          d.setObject(p++, null);
          d.setObject(p++, now);
          d.setObject(p++, now);
        }
        d.executeUpdate();
      }
    }
    c.commit();

    // Transaction 2: the outcomes.
    LocalDateTime sent = utc(Instant.now());
    for (int from = 0; from < 2 * n; from += 1000) {
      int rows = Math.min(1000, 2 * n - from);
      updateToSent(c, Arrays.copyOfRange(deliveryIds, from, from + rows), first, from, sent);
      try (PreparedStatement a =
          c.prepareStatement(insert("delivery_attempt", ATTEMPT_COLUMNS, rows))) {
        int p = 1;
        for (int r = from; r < from + rows; r++) {
          a.setBytes(p++, deliveryIds[r]);
          a.setInt(p++, 1);
          a.setObject(p++, now);
          a.setObject(p++, sent);
          a.setString(p++, "SENT");
          a.setBoolean(p++, false);
          a.setObject(p++, null);
          a.setString(p++, receipt(first, r));
          a.setString(p++, LEASE_OWNER);
        }
        a.executeUpdate();
      }
    }
    try (PreparedStatement u =
        c.prepareStatement(
            "UPDATE message SET status = 'DELIVERED', updated_at = ? WHERE message_id IN "
                + placeholders(n)
                + " AND status = 'DISPATCHING'")) {
      u.setObject(1, sent);
      for (int i = 0; i < n; i++) {
        u.setBytes(i + 2, messageIds[i]);
      }
      int changed = u.executeUpdate();
      if (changed != n) {
        throw new IllegalStateException("message status update changed " + changed + " of " + n);
      }
    }
    c.commit();
  }

  private static void updateToSent(
      Connection c, byte[][] ids, int first, int from, LocalDateTime sent) throws SQLException {
    StringBuilder sql =
        new StringBuilder(
            "UPDATE delivery FORCE INDEX (PRIMARY) SET status = 'SENT', provider_receipt = CASE"
                + " delivery_id");
    sql.append(" WHEN ? THEN ?".repeat(ids.length));
    sql.append(
        " END, sent_at = ?, next_attempt_at = NULL, lease_owner = NULL, updated_at = ? WHERE"
            + " delivery_id IN ");
    sql.append(placeholders(ids.length));
    sql.append(" AND status = 'SENDING' AND lease_owner = ?");
    try (PreparedStatement u = c.prepareStatement(sql.toString())) {
      int p = 1;
      for (int r = 0; r < ids.length; r++) {
        u.setBytes(p++, ids[r]);
        u.setString(p++, receipt(first, from + r));
      }
      u.setObject(p++, sent);
      u.setObject(p++, sent);
      for (byte[] id : ids) {
        u.setBytes(p++, id);
      }
      u.setString(p, LEASE_OWNER);
      int changed = u.executeUpdate();
      if (changed != ids.length) {
        throw new IllegalStateException("SENT update changed " + changed + " of " + ids.length);
      }
    }
  }

  private static String receipt(int first, int r) {
    return r % 2 == 0
        ? "msgcenter.realtime-" + (r % Infrastructure.PARTITIONS) + "@" + (first + r)
        : "HTTP 200";
  }

  private static void verify(Connection c, int count) throws SQLException {
    Map<String, Long> found = new LinkedHashMap<>();
    try (Statement s = c.createStatement()) {
      found.put(
          "messages DELIVERED",
          single(s, "SELECT COUNT(*) FROM message WHERE status = 'DELIVERED'"));
      found.put(
          "deliveries SENT", single(s, "SELECT COUNT(*) FROM delivery WHERE status = 'SENT'"));
      found.put("attempts", single(s, "SELECT COUNT(*) FROM delivery_attempt"));
    }
    c.commit();
    if (found.get("messages DELIVERED") != count
        || found.get("deliveries SENT") != 2L * count
        || found.get("attempts") != 2L * count) {
      throw new IllegalStateException(
          "the SQL roof wrote " + found + " for " + count + " notifications");
    }
  }

  static long single(Statement s, String sql) throws SQLException {
    try (ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  static final String[] MESSAGE_COLUMNS = {
    "message_id", "trace_id", "biz_type", "biz_id", "user_id", "source", "priority", "status",
    "template", "params", "title", "content", "data", "send_at", "expire_at", "dedup_key",
    "ingest_token", "source_topic", "source_partition", "source_offset", "created_at", "updated_at"
  };

  static final String[] DELIVERY_COLUMNS = {
    "delivery_id",
    "message_id",
    "channel",
    "address",
    "address_hash",
    "status",
    "priority",
    "attempts",
    "next_attempt_at",
    "lease_owner",
    "user_id",
    "last_error",
    "created_at",
    "updated_at"
  };

  private static final String[] ATTEMPT_COLUMNS = {
    "delivery_id",
    "attempt",
    "started_at",
    "finished_at",
    "outcome",
    "manual",
    "error",
    "provider_receipt",
    "instance_id"
  };

  static String insert(String table, String[] columns, int rows) {
    String tuple = "(" + "?,".repeat(columns.length - 1) + "?)";
    StringBuilder sql =
        new StringBuilder(rows * tuple.length() + 200)
            .append("INSERT INTO ")
            .append(table)
            .append(" (")
            .append(String.join(", ", columns))
            .append(") VALUES ");
    for (int i = 0; i < rows; i++) {
      sql.append(i == 0 ? "" : ",").append(tuple);
    }
    return sql.toString();
  }

  static String placeholders(int n) {
    return "(" + "?,".repeat(n - 1) + "?)";
  }

  /** As the center keys a delivery's address: the first 16 bytes of its SHA-256. */
  static byte[] hash(String address) {
    try {
      return Arrays.copyOf(
          MessageDigest.getInstance("SHA-256").digest(address.getBytes(StandardCharsets.UTF_8)),
          16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static LocalDateTime utc(Instant instant) {
    return LocalDateTime.ofInstant(instant, ZoneOffset.UTC)
        .withNano(instant.getNano() / 1_000_000 * 1_000_000);
  }
}
