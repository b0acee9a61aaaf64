package org.msgcenter.access.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.msgcenter.access.config.AccessConfig;
import org.msgcenter.access.module.Transactional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The access database: a pool, the migrations, and transactions. */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private final HikariDataSource pool;

  public Database(AccessConfig.Db config) {
    HikariConfig h = new HikariConfig();
    h.setPoolName("access-db");
    h.setJdbcUrl(config.url());
    h.setUsername(config.user());
    h.setPassword(config.password());
    h.setMaximumPoolSize(config.poolSize());
    h.setAutoCommit(true);
    this.pool = new HikariDataSource(h);
  }

  public DataSource dataSource() {
    return pool;
  }

  /** Migrates the access layer's own tables (history table {@code flyway_access_history}). */
  public void migrateCore(ClassLoader loader) {
    migrate("db/access", "flyway_access_history", loader);
  }

  /** Migrates one module's tables from {@code db/modules/<name>}, with a history of its own. */
  public void migrateModule(String name, ClassLoader loader) {
    migrate("db/modules/" + name, "flyway_" + name.replace('-', '_') + "_history", loader);
  }

  private void migrate(String location, String historyTable, ClassLoader loader) {
    var result =
        Flyway.configure(loader)
            .dataSource(pool)
            .locations("classpath:" + location)
            .table(historyTable)
            .baselineOnMigrate(true)
            .baselineVersion("0")
            .failOnMissingLocations(false)
            .load()
            .migrate();
    log.info(
        "Migrated {}: {} migrations applied, schema version {}",
        location,
        result.migrationsExecuted,
        result.targetSchemaVersion);
  }

  /** Runs {@code work} in one transaction: commit on return, roll back (and rethrow) on throw. */
  public <T> T inTransaction(Transactional<T> work) {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        try {
          c.rollback();
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new DatabaseException("database call failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
