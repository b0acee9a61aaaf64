package org.msgcenter.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Free TCP ports on the loopback address, for tests and tools that start servers. */
public final class FreePorts {
  /** Every port handed out by this JVM. */
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /**
   * A port that was free a moment ago and that this JVM has not handed out before. Asking the
   * system for a free port twice in a row can return the same port (the first is released before
   * the second is asked for); two servers configured with it would then collide at start.
   */
  public static int next() {
    while (true) {
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int port = socket.getLocalPort();
        if (HANDED_OUT.add(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Could not find a free port", e);
      }
    }
  }
}
