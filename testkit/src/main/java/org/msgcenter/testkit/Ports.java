package org.msgcenter.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port helpers shared by the embedded servers. */
final class Ports {

  private Ports() {}

  /**
   * Fails with a message naming the port when something already listens on it, instead of the
   * server's own less readable bind error deep in its startup.
   *
   * @throws PortInUseException naming {@code what} and the port
   */
  static void requireFree(String what, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new PortInUseException(
          what + " port " + port + " is already in use (is another instance still running?)", e);
    }
  }

  /**
   * {@code port}, or for 0 a free one ({@link FreePorts#next}). Servers pick their port once, at
   * construction, so that a restarted server comes back on the same port.
   */
  static int requireValid(String what, int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(what + " port must be 0-65535 (0 = random), was " + port);
    }
    return port == 0 ? FreePorts.next() : port;
  }
}
