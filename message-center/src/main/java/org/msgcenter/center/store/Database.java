package org.msgcenter.center.store;

import com.baomidou.mybatisplus.core.MybatisConfiguration;
import com.baomidou.mybatisplus.core.MybatisSqlSessionFactoryBuilder;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Properties;
import java.util.function.Function;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.flywaydb.core.Flyway;
import org.msgcenter.center.config.CenterConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The center's database: a connection pool, the schema migrated by Flyway at start, and MyBatis
 * sessions over it. One transaction per {@link #inTransaction} call.
 */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private final HikariDataSource dataSource;
  private final SqlSessionFactory sessions;

  private Database(HikariDataSource dataSource) {
    this.dataSource = dataSource;
    MybatisConfiguration configuration = new MybatisConfiguration();
    configuration.setEnvironment(new Environment("msgcenter", transactions(), dataSource));
    configuration.setMapUnderscoreToCamelCase(true);
    configuration.setDefaultStatementTimeout(30);
    configuration.addMapper(MessageMapper.class);
    configuration.addMapper(DeliveryMapper.class);
    configuration.addMapper(RejectedRecordMapper.class);
    configuration.addMapper(DedupMapper.class);
    configuration.addMapper(QueryMapper.class);
    configuration.addMapper(CommandMapper.class);
    this.sessions = new MybatisSqlSessionFactoryBuilder().build(configuration);
  }

  /**
   * Transactions on the pool's connections, which stay in manual commit. MyBatis would otherwise
   * switch a connection to auto-commit when its session closes, and the pool back to manual commit
   * when it is borrowed again: two round trips more for every transaction, a third of a query
   * call's statements. Every session here ends in a commit or a rollback ({@link #inTransaction}),
   * and the pool rolls back a connection returned with work open.
   */
  private static JdbcTransactionFactory transactions() {
    JdbcTransactionFactory factory = new JdbcTransactionFactory();
    Properties properties = new Properties();
    properties.setProperty("skipSetAutoCommitOnClose", "true");
    factory.setProperties(properties);
    return factory;
  }

  /** Connects, migrates the schema to the latest version, and readies the mappers. */
  public static Database open(CenterConfig.Db config) {
    HikariDataSource ds = pool(config, "msgcenter-db", config.poolSize(), false);
    try {
      var result =
          Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
      log.info(
          "Database schema at version {} ({} migrations applied now)",
          result.targetSchemaVersion,
          result.migrationsExecuted);
      return new Database(ds);
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
  }

  /**
   * A second pool on the same database, for the query and command services ({@code
   * db.servicePoolSize} connections), so that callers' reads never take the connections ingest, the
   * recorder and the poller write on, and a burst of queries cannot stall delivery. Call after
   * {@link #open}, which migrates the schema.
   */
  public static Database openServicePool(CenterConfig.Db config) {
    return new Database(pool(config, "msgcenter-db-services", config.servicePoolSize(), true));
  }

  /**
   * A pool of {@code size} connections. The center's own pool stays in manual commit: everything it
   * does is a transaction. The services' pool is in auto-commit, for their reads ({@link #read}),
   * which then cost their statements alone; a command's transaction there costs two round trips
   * more (auto-commit off when it starts, on again when the pool takes the connection back).
   */
  private static HikariDataSource pool(
      CenterConfig.Db config, String name, int size, boolean autoCommit) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName(name);
    hikari.setJdbcUrl(config.url());
    hikari.setUsername(config.user());
    hikari.setPassword(config.password());
    hikari.setMaximumPoolSize(size);
    hikari.setAutoCommit(autoCommit);
    // READ COMMITTED: no gap locks, so inserts of new deliveries never wait on range locks of
    // updates; writers of existing deliveries serialize on their message rows instead
    // (HotUpdates.lockMessages).
    hikari.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    // Fail fast during an outage: callers back off and retry the same batch.
    hikari.setConnectionTimeout(5_000);
    hikari.setValidationTimeout(2_000);
    return new HikariDataSource(hikari);
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /**
   * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws.
   */
  public <T> T inTransaction(Function<SqlSession, T> work) {
    try (SqlSession session = sessions.openSession(ExecutorType.SIMPLE, false)) {
      T result;
      try {
        result = work.apply(session);
      } catch (RuntimeException | Error e) {
        // Forced: MyBatis rolls back on close only after its own updates, not after statements
        // run on the session's connection directly (BatchInserts), and closing resets auto-commit,
        // which would commit them.
        try {
          session.rollback(true);
        } catch (RuntimeException rollbackFailed) {
          e.addSuppressed(rollbackFailed); // the connection is gone: nothing was committed
        }
        throw e;
      }
      session.commit(true);
      return result;
    }
  }

  /**
   * Runs reads, each statement on its own (auto-commit): no transaction to commit afterwards, which
   * on the services' pool saves a round trip per call. Under READ COMMITTED each statement of a
   * transaction reads its own snapshot anyway, so reads lose no consistency by it; a read that must
   * see several tables at one moment is one statement (a join). Writing here is a mistake: each
   * write would commit at once.
   */
  public <T> T read(Function<SqlSession, T> work) {
    try (SqlSession session = sessions.openSession(ExecutorType.SIMPLE, true)) {
      return work.apply(session);
    }
  }

  /**
   * Runs {@code work} in one transaction like {@link #inTransaction}, and again when the database
   * rolled it back to break a deadlock or a lock wait timeout, up to {@code tries} times in all.
   */
  public <T> T inTransactionRetrying(int tries, Function<SqlSession, T> work) {
    for (int i = 1; ; i++) {
      try {
        return inTransaction(work);
      } catch (RuntimeException e) {
        if (i >= tries || !rolledBackByDatabase(e)) {
          throw e;
        }
        log.debug("Transaction rolled back by the database (try {} of {}); again", i, tries, e);
      }
    }
  }

  /** Whether the database rolled the transaction back on its own (deadlock, lock wait timeout). */
  public static boolean rolledBackByDatabase(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLTransactionRollbackException) {
        return true;
      }
      if (t instanceof java.sql.SQLException sql
          && ("40001".equals(sql.getSQLState()) || sql.getErrorCode() == 1205)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
