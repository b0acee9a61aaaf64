package org.msgcenter.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The bare claim loop, the roof of the poller: on each of K connections, in its own thread,
 * transactions of {@code SELECT … FOR UPDATE SKIP LOCKED} of up to B due deliveries (the center's
 * claim index, oldest due first), then one conditional {@code UPDATE} by primary key that leases
 * them (row count checked), then commit; until nothing is due. No messages locked, nothing rendered
 * or sent: the database's cost of a claim, and nothing else.
 */
final class ClaimLoop {
  private static final String SELECT =
      "SELECT delivery_id FROM delivery FORCE INDEX (ix_delivery_claim)"
          + " WHERE channel = ? AND priority = ? AND next_attempt_at <= ?"
          + " AND status IN ('PENDING','SCHEDULED','RETRYING','SENDING')"
          + " ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED";

  private final DueSeeder seeder;
  private final int batch;

  ClaimLoop(DueSeeder seeder, int batch) {
    this.seeder = seeder;
    this.batch = batch;
  }

  /**
   * Claims every due delivery with {@code connections} claimers.
   *
   * @param claimed counts the claims as they commit, for the progress line
   * @return the nanoseconds from the start to the last claimer's end
   */
  long run(int connections, AtomicLong claimed) throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    List<Connection> open = new ArrayList<>();
    try {
      for (int i = 0; i < connections; i++) {
        Connection c = seeder.connect();
        open.add(c);
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      }
      long started = System.nanoTime();
      for (int i = 0; i < connections; i++) {
        Connection c = open.get(i);
        String owner = "bench-claimer-" + (i + 1);
        Thread t =
            new Thread(
                () -> {
                  try {
                    claimAll(c, owner, claimed);
                  } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                  }
                },
                owner);
        threads.add(t);
        t.start();
      }
      for (Thread t : threads) {
        t.join();
      }
      long nanos = System.nanoTime() - started;
      if (failure.get() != null) {
        throw new IllegalStateException("the bare claim loop failed", failure.get());
      }
      return nanos;
    } finally {
      for (Connection c : open) {
        c.close();
      }
    }
  }

  private void claimAll(Connection c, String owner, AtomicLong claimed) throws SQLException {
    try (PreparedStatement select = c.prepareStatement(SELECT)) {
      while (true) {
        Instant now = Instant.now();
        LocalDateTime nowUtc = SqlRoof.utc(now);
        select.setString(1, DueSeeder.CHANNEL);
        select.setString(2, DueSeeder.PRIORITY);
        select.setObject(3, nowUtc);
        select.setInt(4, batch);
        List<byte[]> ids = new ArrayList<>(batch);
        try (ResultSet r = select.executeQuery()) {
          while (r.next()) {
            ids.add(r.getBytes(1));
          }
        }
        if (ids.isEmpty()) {
          c.commit();
          return;
        }
        try (PreparedStatement u =
            c.prepareStatement(
                "UPDATE delivery FORCE INDEX (PRIMARY) SET status = 'SENDING',"
                    + " attempts = attempts + 1, lease_owner = ?, next_attempt_at = ?,"
                    + " updated_at = ? WHERE delivery_id IN "
                    + SqlRoof.placeholders(ids.size())
                    + " AND status = 'PENDING'")) {
          int p = 1;
          u.setString(p++, owner);
          u.setObject(p++, SqlRoof.utc(now.plusSeconds(40)));
          u.setObject(p++, nowUtc);
          for (byte[] id : ids) {
            u.setBytes(p++, id);
          }
          int changed = u.executeUpdate();
          if (changed != ids.size()) {
            throw new IllegalStateException(
                "claim of " + ids.size() + " locked deliveries changed " + changed);
          }
        }
        c.commit();
        claimed.addAndGet(ids.size());
      }
    }
  }
}
