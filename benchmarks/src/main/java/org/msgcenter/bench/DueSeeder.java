package org.msgcenter.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.concurrent.atomic.AtomicLong;
import org.msgcenter.api.Uuid7;
import org.msgcenter.center.config.CenterConfig;
import org.msgcenter.center.store.Database;

/**
 * Writes the poller scenario's backlog straight into the center's schema, with multi-row inserts: N
 * messages, each with one {@code in-app} delivery, {@code PENDING}, NORMAL priority, attempts 0, no
 * lease. The deliveries are written due far in the future, so that nothing claims them while the
 * claimers get ready; {@link #makeDue} then makes all of them due at once, in one transaction. The
 * messages are the benchmarks' payment notices, so the center renders them as in production.
 */
final class DueSeeder {
  static final String CHANNEL = "in-app";
  static final String PRIORITY = "NORMAL";

  /** Not due before this: the claimers see nothing until {@link #makeDue}. */
  private static final LocalDateTime NOT_YET = LocalDateTime.of(2999, 1, 1, 0, 0);

  private static final int ROWS_PER_INSERT = 1000;

  private final Infrastructure infra;
  private final String database;
  private final Uuid7 ids = new Uuid7(Clock.systemUTC());

  DueSeeder(Infrastructure infra, String database) {
    this.infra = infra;
    this.database = database;
  }

  /** A fresh database with the center's schema, made by its own Flyway migration. */
  void createSchema() {
    infra.freshDatabase(database);
    Database.open(
            new CenterConfig.Db(
                infra.jdbcUrl(database), Infrastructure.USER, Infrastructure.PASSWORD, 2))
        .close();
  }

  /** Empties the center's tables, then writes {@code count} messages with one delivery each. */
  @SuppressWarnings("try") // the progress printer runs beside the loop
  void seed(int count, String label) throws SQLException {
    AtomicLong done = new AtomicLong();
    try (Connection c = connect();
        Progress progress = Progress.every(label, count, done::get)) {
      try (Statement s = c.createStatement()) {
        for (String table : new String[] {"delivery_attempt", "delivery", "message"}) {
          s.execute("TRUNCATE TABLE " + table);
        }
      }
      c.setAutoCommit(false);
      for (int first = 0; first < count; first += ROWS_PER_INSERT) {
        int n = Math.min(ROWS_PER_INSERT, count - first);
        insertBatch(c, first, n);
        c.commit();
        done.addAndGet(n);
      }
    }
  }

  /**
   * Makes every seeded delivery due at {@code at}, in one transaction.
   *
   * @return how many deliveries became due
   */
  int makeDue(Instant at) throws SQLException {
    try (Connection c = connect();
        PreparedStatement u =
            c.prepareStatement(
                "UPDATE delivery SET next_attempt_at = ? WHERE status = 'PENDING'"
                    + " AND next_attempt_at = ?")) {
      u.setObject(1, SqlRoof.utc(at));
      u.setObject(2, NOT_YET);
      return u.executeUpdate();
    }
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(
        infra.jdbcUrl(database), Infrastructure.USER, Infrastructure.PASSWORD);
  }

  private void insertBatch(Connection c, int first, int n) throws SQLException {
    LocalDateTime now = SqlRoof.utc(Instant.now());
    byte[] token = Uuid7.toBytes(ids.next());
    byte[][] messageIds = new byte[n][];
    try (PreparedStatement m =
        c.prepareStatement(SqlRoof.insert("message", SqlRoof.MESSAGE_COLUMNS, n))) {
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
        m.setString(p++, PRIORITY);
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
    try (PreparedStatement d =
        c.prepareStatement(SqlRoof.insert("delivery", SqlRoof.DELIVERY_COLUMNS, n))) {
      int p = 1;
      for (int i = 0; i < n; i++) {
        long k = first + i;
        String address = Payloads.userId(k);
        d.setBytes(p++, Uuid7.toBytes(ids.next()));
        d.setBytes(p++, messageIds[i]);
        d.setString(p++, CHANNEL);
        d.setString(p++, address);
        d.setBytes(p++, SqlRoof.hash(address));
        d.setString(p++, "PENDING");
        d.setString(p++, PRIORITY);
        d.setInt(p++, 0);
        d.setObject(p++, NOT_YET);
        d.setObject(p++, null);
        d.setString(p++, address);
        d.setObject(p++, null);
        d.setObject(p++, now);
        d.setObject(p++, now);
      }
      d.executeUpdate();
    }
  }
}
