package org.msgcenter.bench;

import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.ibatis.session.SqlSession;
import org.msgcenter.center.config.CenterConfig;
import org.msgcenter.center.store.AttemptRow;
import org.msgcenter.center.store.BatchInserts;
import org.msgcenter.center.store.Database;
import org.msgcenter.center.store.DeliveryOutcome;
import org.msgcenter.center.store.DeliveryRow;
import org.msgcenter.center.store.HotUpdates;

/**
 * The shapes of the center's hot statements, side by side on one connection: what MariaDB spends on
 * a 500-row plain insert (deliveries) and on one with ON DUPLICATE KEY (attempts), each as a JDBC
 * batch and as one multi-row statement (the center's {@link BatchInserts} uses the cheaper shape of
 * each), and on the recorder's end of leases ({@link HotUpdates#finishSending}) when every per-row
 * column differs (a {@code CASE} each), in a SENT batch (receipt and time differ), and when all
 * values are shared. Each shape writes {@link #ROWS_PER_SHAPE} rows into the center's schema, then
 * a fresh lot for the next shape; rows/s and MariaDB's CPU per row, from the process's CPU time
 * over the shape's run.
 */
final class ShapesScenario {
  static final String DATABASE = "bench_shapes";

  /** Rows each shape writes. */
  static final int ROWS_PER_SHAPE = 50_000;

  private static final int ROWS = 500;
  private static final String OWNER = "bench-shapes";

  private final Infrastructure infra;
  private final Processes processes;
  private final Results results;
  private final LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
  private long nextId;

  ShapesScenario(Infrastructure infra, Processes processes, Results results) {
    this.infra = infra;
    this.processes = processes;
    this.results = results;
  }

  void run() {
    infra.freshDatabase(DATABASE);
    CenterConfig.Db config =
        new CenterConfig.Db(
            infra.jdbcUrl(DATABASE), Infrastructure.USER, Infrastructure.PASSWORD, 1, 1);
    try (Database db = Database.open(config)) {
      measure(db, "insert deliveries, JDBC batch", (s, rows) -> BatchInserts.deliveries(s, rows));
      measure(db, "insert deliveries, one multi-row statement", this::deliveriesMultiRow);
      measure(
          db,
          "insert attempts (ON DUPLICATE KEY), one multi-row statement",
          (s, rows) -> BatchInserts.attempts(s, attempts(rows)));
      measure(db, "insert attempts (ON DUPLICATE KEY), JDBC batch", this::attemptsBatch);
      measure(db, "end of leases, every column differing", (s, rows) -> finish(s, rows, 5));
      measure(db, "end of leases, a SENT batch", (s, rows) -> finish(s, rows, 2));
      measure(db, "end of leases, all values shared", (s, rows) -> finish(s, rows, 0));
      double sent = results.figure("shapes", "end of leases, a SENT batch").value();
      System.out.println("shapes: " + Progress.plain(sent) + " rows/s");
    } finally {
      infra.dropDatabase(DATABASE);
    }
  }

  @FunctionalInterface
  private interface Shape {
    void write(SqlSession session, List<DeliveryRow> rows);
  }

  /** Stores fresh SENDING rows (not timed), then times {@code shape} over them in 500-row lots. */
  private void measure(Database db, String name, Shape shape) {
    List<List<DeliveryRow>> lots = new ArrayList<>();
    boolean inserting = name.startsWith("insert");
    for (int i = 0; i < ROWS_PER_SHAPE; i += ROWS) {
      List<DeliveryRow> lot = deliveries(ROWS);
      if (!inserting) {
        db.inTransaction(
            s -> {
              BatchInserts.deliveries(s, lot);
              return null;
            });
      }
      lots.add(lot);
    }
    ProcStats.Snapshot cpu = processes.snapshot();
    long started = System.nanoTime();
    for (List<DeliveryRow> lot : lots) {
      db.inTransaction(
          s -> {
            shape.write(s, lot);
            return null;
          });
    }
    long nanos = System.nanoTime() - started;
    Map<String, Object> usage = cpu.until();
    double rate = Progress.rate(ROWS_PER_SHAPE, nanos);
    Object cores = ((Map<?, ?>) usage.get("coresBusyByProcess")).get("MariaDB");
    double micros = ((Number) cores).doubleValue() * nanos / 1e3 / ROWS_PER_SHAPE;
    results.detail("shapes", name, Map.of("rowsPerSecond", rate, "mariaDbMicrosPerRow", micros));
    results.add(
        new Results.Figure(
            "shapes",
            name,
            rate,
            "rows/s",
            Progress.grouped(ROWS_PER_SHAPE)
                + " rows in statements of "
                + ROWS
                + ", one connection, a commit each; MariaDB "
                + String.format("%.1f", micros)
                + " µs of CPU a row",
            usage));
    System.out.printf(
        "shapes: %s: %s rows/s, MariaDB %.1f µs of CPU a row%n",
        name, Progress.plain(rate), micros);
  }

  /** The center's insert of deliveries as one multi-row statement instead of a JDBC batch. */
  private void deliveriesMultiRow(SqlSession s, List<DeliveryRow> rows) {
    String row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    String sql =
        "INSERT INTO delivery (delivery_id, message_id, channel, address, address_hash, status,"
            + " priority, attempts, next_attempt_at, lease_owner, user_id, last_error, created_at,"
            + " updated_at) VALUES "
            + String.join(", ", Collections.nCopies(rows.size(), row));
    try (PreparedStatement ps = s.getConnection().prepareStatement(sql)) {
      int i = 1;
      for (DeliveryRow r : rows) {
        ps.setBytes(i++, r.deliveryId);
        ps.setBytes(i++, r.messageId);
        ps.setString(i++, r.channel);
        ps.setString(i++, r.address);
        ps.setBytes(i++, r.addressHash);
        ps.setString(i++, r.status);
        ps.setString(i++, r.priority);
        ps.setInt(i++, r.attempts);
        ps.setObject(i++, r.nextAttemptAt);
        ps.setString(i++, r.leaseOwner);
        ps.setString(i++, r.userId);
        ps.setString(i++, r.lastError);
        ps.setObject(i++, r.createdAt);
        ps.setObject(i++, r.updatedAt);
      }
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The center's insert of attempts as a JDBC batch instead of one multi-row statement. */
  private void attemptsBatch(SqlSession s, List<DeliveryRow> rows) {
    String sql =
        "INSERT INTO delivery_attempt (delivery_id, resend_round, attempt, started_at,"
            + " finished_at, outcome, manual, error, provider_receipt, instance_id)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON DUPLICATE KEY UPDATE delivery_id = delivery_id";
    try (PreparedStatement ps = s.getConnection().prepareStatement(sql)) {
      for (AttemptRow a : attempts(rows)) {
        int i = 1;
        ps.setBytes(i++, a.deliveryId);
        ps.setInt(i++, a.round);
        ps.setInt(i++, a.attempt);
        ps.setObject(i++, a.startedAt);
        ps.setObject(i++, a.finishedAt);
        ps.setString(i++, a.outcome);
        ps.setBoolean(i++, a.manual);
        ps.setString(i++, a.error);
        ps.setString(i++, a.providerReceipt);
        ps.setString(i, a.instanceId);
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One SENT attempt for each of {@code rows}. */
  private List<AttemptRow> attempts(List<DeliveryRow> rows) {
    List<AttemptRow> attempts = new ArrayList<>(rows.size());
    for (DeliveryRow r : rows) {
      AttemptRow a = new AttemptRow();
      a.deliveryId = r.deliveryId;
      a.attempt = 1;
      a.startedAt = now;
      a.finishedAt = now;
      a.outcome = "SENT";
      a.providerReceipt = "accepted";
      a.instanceId = OWNER;
      attempts.add(a);
    }
    return attempts;
  }

  /** Ends the leases of {@code rows} with {@code differing} of the five columns differing. */
  private void finish(SqlSession s, List<DeliveryRow> rows, int differing) {
    List<DeliveryOutcome> outcomes = new ArrayList<>(rows.size());
    for (int k = 0; k < rows.size(); k++) {
      DeliveryOutcome o = new DeliveryOutcome();
      o.deliveryId = rows.get(k).deliveryId;
      o.attempts = differing == 5 ? 1 + k % 3 : 1;
      o.lastError = differing == 5 ? "error " + k : null;
      o.providerReceipt = differing >= 2 ? "receipt-" + k : "accepted";
      o.sentAt = differing >= 2 ? now.plusNanos(k * 1_000_000L) : now;
      o.nextAttemptAt = differing == 5 ? now.plusSeconds(k) : null;
      outcomes.add(o);
    }
    int changed = HotUpdates.finishSending(s, outcomes, "SENT", OWNER, now);
    if (changed != rows.size()) {
      throw new IllegalStateException("ended " + changed + " of " + rows.size() + " leases");
    }
  }

  private List<DeliveryRow> deliveries(int n) {
    List<DeliveryRow> rows = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      long id = nextId++;
      DeliveryRow d = new DeliveryRow();
      d.deliveryId = id(1, id);
      d.messageId = id(2, id / 2);
      d.channel = id % 2 == 0 ? "in-app" : "webhook";
      d.address = Payloads.userId(id);
      d.addressHash = id(3, id);
      d.status = "SENDING";
      d.priority = "NORMAL";
      d.attempts = 1;
      d.nextAttemptAt = now.plusMinutes(5);
      d.leaseOwner = OWNER;
      d.userId = Payloads.userId(id);
      d.createdAt = now;
      d.updatedAt = now;
      rows.add(d);
    }
    return rows;
  }

  /** Time-ordered ids: {@code kind}, then {@code n}, as UUIDv7 keys keep inserts in order. */
  private static byte[] id(int kind, long n) {
    return ByteBuffer.allocate(16).put((byte) kind).putLong(8, n).array();
  }
}
