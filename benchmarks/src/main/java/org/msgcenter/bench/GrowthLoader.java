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
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.msgcenter.center.config.CenterConfig;
import org.msgcenter.center.store.Database;

/**
 * Fills the grown database with the history of {@link GrowthData}, straight into the center's
 * schema (made by its own Flyway migration): per chunk of {@value #CHUNK} messages one transaction
 * of three multi-row inserts (messages, deliveries, attempts) and a row in {@code
 * bench_growth_chunk} saying the chunk is there, on several connections at once. A load that stops
 * (killed, time budget spent) goes on where it stopped: the chunks already recorded are skipped,
 * and a chunk is recorded in the same transaction as its rows, so it is either all there or not at
 * all. The layout in time is fixed by the first load ({@code bench_growth_plan}): a plan of at
 * least ten million messages over the {@value #MONTHS} months before it.
 */
final class GrowthLoader {
  static final String DATABASE = "msgcenter_grown";
  static final int CHUNK = 500;
  static final long DEFAULT_PLANNED = 10_000_000L;
  static final int MONTHS = 6;

  private static final String[] MESSAGE_COLUMNS = {
    "message_id",
    "trace_id",
    "biz_type",
    "biz_id",
    "user_id",
    "source",
    "priority",
    "status",
    "template",
    "params",
    "title",
    "content",
    "data",
    "ingest_token",
    "source_topic",
    "source_partition",
    "source_offset",
    "created_at",
    "updated_at"
  };

  private static final String[] DELIVERY_COLUMNS = {
    "delivery_id", "message_id", "channel", "address", "address_hash", "status", "priority",
    "attempts", "user_id", "last_error", "provider_receipt", "sent_at", "acked_at", "read_at",
    "created_at", "updated_at"
  };

  private static final String[] ATTEMPT_COLUMNS = {
    "delivery_id",
    "resend_round",
    "attempt",
    "started_at",
    "finished_at",
    "outcome",
    "manual",
    "error",
    "provider_receipt",
    "instance_id"
  };

  /** What a load did. */
  record Outcome(
      GrowthData.Plan plan,
      long storedBefore,
      long storedAfter,
      long requested,
      long loaded,
      double seconds,
      boolean budgetSpent) {
    double rate() {
      return seconds > 0 ? loaded / seconds : 0;
    }
  }

  private final Infrastructure infra;

  GrowthLoader(Infrastructure infra) {
    this.infra = infra;
  }

  /**
   * Creates the grown database if it is missing (never drops it) and brings it to the center's
   * current schema.
   */
  void prepare() throws SQLException {
    infra.createDatabaseIfMissing(DATABASE);
    Database.open(
            new CenterConfig.Db(
                infra.jdbcUrl(DATABASE), Infrastructure.USER, Infrastructure.PASSWORD, 2))
        .close();
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS bench_growth_plan (id INT NOT NULL PRIMARY KEY,"
              + " planned BIGINT NOT NULL, start_ms BIGINT NOT NULL, end_ms BIGINT NOT NULL,"
              + " chunk_size INT NOT NULL, created_at DATETIME(3) NOT NULL)");
      s.execute(
          "CREATE TABLE IF NOT EXISTS bench_growth_chunk (chunk INT NOT NULL PRIMARY KEY,"
              + " loaded_at DATETIME(3) NOT NULL)");
    }
  }

  /** The plan kept in the grown database; a new one for {@code wanted} if there is none. */
  GrowthData.Plan plan(long wanted) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      try (ResultSet r =
          s.executeQuery(
              "SELECT planned, start_ms, end_ms, chunk_size FROM bench_growth_plan WHERE id = 1")) {
        if (r.next()) {
          return new GrowthData.Plan(r.getLong(1), r.getLong(2), r.getLong(3), r.getInt(4));
        }
      }
      long end = Instant.now().toEpochMilli();
      long start = end - Duration.ofDays(30L * MONTHS).toMillis();
      long planned = Math.max(DEFAULT_PLANNED, roundUp(wanted));
      try (PreparedStatement p =
          c.prepareStatement("INSERT INTO bench_growth_plan VALUES (1, ?, ?, ?, ?, ?)")) {
        p.setLong(1, planned);
        p.setLong(2, start);
        p.setLong(3, end);
        p.setInt(4, CHUNK);
        p.setObject(5, SqlRoof.utc(Instant.now()));
        p.executeUpdate();
      }
      return new GrowthData.Plan(planned, start, end, CHUNK);
    }
  }

  /** The chunks recorded as loaded, in order. */
  List<Integer> loadedChunks() throws SQLException {
    List<Integer> out = new ArrayList<>();
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT chunk FROM bench_growth_chunk ORDER BY chunk")) {
      while (r.next()) {
        out.add(r.getInt(1));
      }
    }
    return out;
  }

  static long roundUp(long n) {
    return (n + CHUNK - 1) / CHUNK * CHUNK;
  }

  /**
   * Loads until {@code wanted} messages (rounded up to whole chunks) are stored, or {@code
   * budgetSeconds} (0: no limit) have passed; in-flight chunks are finished either way.
   */
  @SuppressWarnings("try") // the progress printer runs beside the loop
  Outcome load(long wanted, int connections, long budgetSeconds) throws Exception {
    prepare();
    GrowthData.Plan plan = plan(wanted);
    long target = roundUp(wanted);
    if (target > plan.planned()) {
      throw new IllegalArgumentException(
          "--stored "
              + wanted
              + " is more than the grown database was planned for ("
              + plan.planned()
              + "); delete its data directory to plan again");
    }
    List<Integer> done = loadedChunks();
    long before = (long) done.size() * CHUNK;
    boolean[] have = new boolean[(int) (target / CHUNK)];
    for (int chunk : done) {
      if (chunk < have.length) {
        have[chunk] = true;
      }
    }
    List<Integer> todo = new ArrayList<>();
    for (int i = 0; i < have.length; i++) {
      if (!have[i]) {
        todo.add(i);
      }
    }
    System.out.printf(
        "  growth load: %s messages stored (%d chunks of %d), %s wanted; %s to load on %d"
            + " connections%s%n",
        Progress.grouped(before),
        done.size(),
        CHUNK,
        Progress.grouped(target),
        Progress.grouped((long) todo.size() * CHUNK),
        connections,
        budgetSeconds > 0 ? ", for at most " + budgetSeconds + " s" : "");
    AtomicInteger next = new AtomicInteger();
    AtomicLong loaded = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    long started = System.nanoTime();
    long deadline = budgetSeconds > 0 ? started + budgetSeconds * 1_000_000_000L : Long.MAX_VALUE;
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    try (Progress progress =
        Progress.every("growth load", (long) todo.size() * CHUNK, loaded::get)) {
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < connections; w++) {
        workers.add(
            pool.submit(
                () -> {
                  try (Connection c = connect()) {
                    c.setAutoCommit(false);
                    Writer writer = new Writer(c, plan);
                    while (!stop.get()) {
                      int i = next.getAndIncrement();
                      if (i >= todo.size()) {
                        return null;
                      }
                      if (System.nanoTime() > deadline) {
                        stop.set(true);
                        return null;
                      }
                      writer.chunk(todo.get(i));
                      loaded.addAndGet(CHUNK);
                    }
                    return null;
                  } catch (Exception e) {
                    stop.set(true);
                    throw e;
                  }
                }));
      }
      for (Future<?> f : workers) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    long after = (long) loadedChunks().size() * CHUNK;
    return new Outcome(
        plan,
        before,
        after,
        target,
        loaded.get(),
        seconds,
        System.nanoTime() > deadline && after < target);
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(
        infra.jdbcUrl(DATABASE), Infrastructure.USER, Infrastructure.PASSWORD);
  }

  /** One connection's inserts: a chunk per transaction. */
  private static final class Writer {
    private final Connection c;
    private final GrowthData.Plan plan;
    private final MessageDigest sha256;

    Writer(Connection c, GrowthData.Plan plan) throws NoSuchAlgorithmException {
      this.c = c;
      this.plan = plan;
      this.sha256 = MessageDigest.getInstance("SHA-256");
    }

    void chunk(int chunk) throws SQLException {
      long first = (long) chunk * CHUNK;
      List<GrowthData.Message> messages = new ArrayList<>(CHUNK);
      int deliveries = 0;
      int attempts = 0;
      for (long n = first; n < first + CHUNK; n++) {
        GrowthData.Message m = GrowthData.message(plan, n);
        messages.add(m);
        deliveries += m.webhookStatus() == null ? 1 : 2;
        attempts += 1 + m.webhookAttempts().length;
      }
      byte[] token = GrowthData.deliveryId(messages.get(0), 0xFFF, 0);
      try (PreparedStatement p =
          c.prepareStatement(SqlRoof.insert("message", MESSAGE_COLUMNS, CHUNK))) {
        int i = 1;
        for (GrowthData.Message m : messages) {
          i = message(p, i, m, token);
        }
        p.executeUpdate();
      }
      try (PreparedStatement d =
              c.prepareStatement(SqlRoof.insert("delivery", DELIVERY_COLUMNS, deliveries));
          PreparedStatement a =
              c.prepareStatement(SqlRoof.insert("delivery_attempt", ATTEMPT_COLUMNS, attempts))) {
        int[] at = {1, 1};
        for (GrowthData.Message m : messages) {
          deliveries(d, a, at, m);
        }
        d.executeUpdate();
        a.executeUpdate();
      }
      try (PreparedStatement k =
          c.prepareStatement("INSERT INTO bench_growth_chunk VALUES (?, ?)")) {
        k.setInt(1, chunk);
        k.setObject(2, SqlRoof.utc(Instant.now()));
        k.executeUpdate();
      }
      c.commit();
    }

    private static int message(PreparedStatement p, int i, GrowthData.Message m, byte[] token)
        throws SQLException {
      LocalDateTime created = time(m.millis() + 3);
      p.setBytes(i++, m.id());
      p.setString(i++, m.traceId());
      p.setString(i++, m.bizType());
      p.setString(i++, m.bizId());
      p.setString(i++, m.userId());
      p.setString(i++, m.source());
      p.setString(i++, m.priority());
      p.setString(i++, m.status());
      p.setString(i++, m.bizType());
      p.setString(i++, GrowthData.params(m));
      p.setString(i++, m.title());
      p.setString(i++, GrowthData.content(m));
      p.setString(i++, GrowthData.data(m));
      p.setBytes(i++, token);
      p.setString(
          i++,
          m.priority().equals("HIGH") ? "msgcenter.notifications.high" : "msgcenter.notifications");
      p.setInt(i++, Math.floorMod(m.userId().hashCode(), Infrastructure.PARTITIONS));
      p.setLong(i++, m.n() / Infrastructure.PARTITIONS);
      p.setObject(i++, created);
      p.setObject(i++, time(m.millis() + lastChangeMillis(m)));
      return i;
    }

    /** When the last of a message's deliveries changed, after its creation. */
    private static long lastChangeMillis(GrowthData.Message m) {
      long last = m.inAppStatus().equals("READ") ? 3_600_000 : 60_000;
      if (m.webhookStatus() != null) {
        last = Math.max(last, webhookEnd(m));
      }
      return last;
    }

    /** The webhook's attempts: 200 ms each, retried after 2^k × 10 s. */
    private static long webhookStart(int attempt) {
      long t = 8;
      for (int k = 1; k < attempt; k++) {
        t += 200 + (10_000L << (k - 1));
      }
      return t;
    }

    private static long webhookEnd(GrowthData.Message m) {
      return webhookStart(m.webhookAttempts().length) + 200;
    }

    private void deliveries(
        PreparedStatement d, PreparedStatement a, int[] at, GrowthData.Message m)
        throws SQLException {
      byte[] messageId = m.id();
      // in-app: sent 6 ms after creation, a client's ack and read later
      byte[] inApp = GrowthData.deliveryId(m, 1, 5);
      String status = m.inAppStatus();
      int i = at[0];
      d.setBytes(i++, inApp);
      d.setBytes(i++, messageId);
      d.setString(i++, "in-app");
      d.setString(i++, m.userId());
      d.setBytes(i++, hash(m.userId()));
      d.setString(i++, status);
      d.setString(i++, m.priority());
      d.setInt(i++, 1);
      d.setString(i++, m.userId());
      d.setString(i++, null);
      d.setString(i++, null);
      d.setObject(i++, time(m.millis() + 6));
      d.setObject(i++, status.equals("SENT") ? null : time(m.millis() + 900));
      d.setObject(i++, status.equals("READ") ? time(m.millis() + 3_600_000) : null);
      d.setObject(i++, time(m.millis() + 5));
      d.setObject(
          i++,
          time(
              m.millis() + (status.equals("READ") ? 3_600_000 : status.equals("ACKED") ? 900 : 6)));
      int j = at[1];
      j = attempt(a, j, inApp, 1, m.millis() + 5, m.millis() + 6, "SENT", null, "center-a");
      if (m.webhookStatus() != null) {
        byte[] hook = GrowthData.deliveryId(m, 2, 5);
        String url = GrowthData.webhookUrl(m);
        boolean dead = m.webhookStatus().equals("DEAD");
        String[] outcomes = m.webhookAttempts();
        String lastError = null;
        for (int k = 0; k < outcomes.length; k++) {
          String error = error(outcomes[k], m);
          if (error != null) {
            lastError = error;
          }
          long start = m.millis() + webhookStart(k + 1);
          j =
              attempt(
                  a,
                  j,
                  hook,
                  k + 1,
                  start,
                  start + 200,
                  outcomes[k],
                  error,
                  k % 2 == 0 ? "center-a" : "center-b");
        }
        long end = m.millis() + webhookEnd(m);
        d.setBytes(i++, hook);
        d.setBytes(i++, messageId);
        d.setString(i++, "webhook");
        d.setString(i++, url);
        d.setBytes(i++, hash(url));
        d.setString(i++, m.webhookStatus());
        d.setString(i++, m.priority());
        d.setInt(i++, outcomes.length);
        d.setString(i++, m.userId());
        d.setString(i++, lastError);
        d.setString(i++, dead ? null : "hook-" + Long.toHexString(m.idLsb() & 0xFFFF_FFFFL));
        d.setObject(i++, dead ? null : time(end));
        d.setObject(i++, null);
        d.setObject(i++, null);
        d.setObject(i++, time(m.millis() + 5));
        d.setObject(i++, time(end));
      }
      at[0] = i;
      at[1] = j;
    }

    private static String error(String outcome, GrowthData.Message m) {
      return switch (outcome) {
        case "RETRYABLE_FAILURE" ->
            m.webhookStatus().equals("SENT")
                ? "https://hooks.partner-" + m.partner() + ".example.com/*** timed out after 5s"
                : "https://hooks.partner-"
                    + m.partner()
                    + ".example.com/*** answered 503 Service Unavailable";
        case "PERMANENT_FAILURE" ->
            "https://hooks.partner-" + m.partner() + ".example.com/*** answered 410 Gone";
        default -> null;
      };
    }

    private static int attempt(
        PreparedStatement a,
        int j,
        byte[] delivery,
        int attempt,
        long started,
        long finished,
        String outcome,
        String error,
        String instance)
        throws SQLException {
      a.setBytes(j++, delivery);
      a.setInt(j++, 0);
      a.setInt(j++, attempt);
      a.setObject(j++, time(started));
      a.setObject(j++, time(finished));
      a.setString(j++, outcome);
      a.setBoolean(j++, false);
      a.setString(j++, error);
      a.setString(j++, null);
      a.setString(j++, instance);
      return j;
    }

    private byte[] hash(String address) {
      return Arrays.copyOf(sha256.digest(address.getBytes(StandardCharsets.UTF_8)), 16);
    }

    private static LocalDateTime time(long millis) {
      return SqlRoof.utc(Instant.ofEpochMilli(millis));
    }
  }
}
