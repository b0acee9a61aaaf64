package org.msgcenter.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * A single ZooKeeper server running inside this JVM (Curator's {@code TestingServer}).
 *
 * <p>Defaults: a random free port (picked once, so a restarted server keeps it), a temporary data
 * directory deleted by {@link #close()}, listening on 127.0.0.1 only, tick time 1 s (sessions of 1
 * to 20 s). A data directory given by the caller is never deleted. {@link #start()} after {@link
 * #stop()} starts again on the same data.
 *
 * <pre>{@code
 * try (EmbeddedZooKeeper zooKeeper = new EmbeddedZooKeeper().start()) {
 *   connect(zooKeeper.connectString());
 * }
 * }</pre>
 */
public final class EmbeddedZooKeeper implements AutoCloseable {

  private final int port;
  private final Path dataDir;
  private final boolean ownsDataDir;
  private TestingServer server;
  private boolean running;

  /** A server on a random port with a temporary data directory. */
  public EmbeddedZooKeeper() {
    this(0, null);
  }

  /**
   * @param port client port, or 0 for a random free port
   * @param dataDir data directory, created if missing and kept by {@link #close()}; or null for a
   *     temporary one that {@link #close()} deletes
   */
  public EmbeddedZooKeeper(int port, Path dataDir) {
    this.port = Ports.requireValid("ZooKeeper", port);
    this.ownsDataDir = dataDir == null;
    this.dataDir =
        ownsDataDir
            ? Dirs.createTemp("msgcenter-zookeeper-")
            : Dirs.createDirectories(dataDir.toAbsolutePath());
  }

  /**
   * Starts the server, or starts it again on the same port and data after {@link #stop()}. Does
   * nothing if it is running.
   *
   * @return this
   * @throws IllegalStateException if the port is in use
   */
  public synchronized EmbeddedZooKeeper start() {
    if (running) {
      return this;
    }
    Ports.requireFree("ZooKeeper", port);
    try {
      if (server == null) {
        InstanceSpec spec =
            new InstanceSpec(
                dataDir.toFile(),
                port,
                -1,
                -1,
                false, // the data directory is ours to delete, not Curator's
                -1,
                -1,
                -1,
                Map.<String, Object>of("clientPortAddress", "127.0.0.1"),
                "127.0.0.1");
        server = new TestingServer(spec, true);
      } else {
        server.restart();
      }
    } catch (Exception e) {
      throw new IllegalStateException("ZooKeeper did not start on port " + port, e);
    }
    running = true;
    return this;
  }

  /** Stops the server, keeping its data. Does nothing if it is not running. */
  public synchronized void stop() {
    if (!running) {
      return;
    }
    running = false;
    try {
      server.stop();
    } catch (IOException e) {
      throw new UncheckedIOException("ZooKeeper did not stop cleanly", e);
    }
  }

  /** Stops the server and deletes its data directory if it is a temporary one. Idempotent. */
  @Override
  public synchronized void close() {
    try {
      stop();
      if (server != null) {
        server.close();
        server = null;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("ZooKeeper did not close cleanly", e);
    } finally {
      if (ownsDataDir) {
        Dirs.deleteRecursively(dataDir);
      }
    }
  }

  /** Whether the server is running. */
  public synchronized boolean isRunning() {
    return running;
  }

  /** The connect string for clients, {@code 127.0.0.1:<port>}. */
  public String connectString() {
    return "127.0.0.1:" + port;
  }

  /** The client port, fixed for the life of this object. */
  public int port() {
    return port;
  }

  /** The data directory. */
  public Path dataDir() {
    return dataDir;
  }
}
