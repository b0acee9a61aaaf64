package org.msgcenter.center.ops;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.msgcenter.center.config.ConfigException;

/**
 * This instance's identity: the configured {@code instance.id}, or one generated at first start and
 * kept in {@code <data.dir>/instance-id}, so a restart finds the leases its previous run left.
 */
public final class InstanceId {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private InstanceId() {}

  public static String resolve(String configured, Path dataDir) {
    if (configured != null && !configured.isBlank()) {
      if (!VALID.matcher(configured).matches()) {
        throw new ConfigException(
            "instance.id = \"" + configured + "\" must be 1-64 of A-Z a-z 0-9 . _ -");
      }
      return configured;
    }
    Path file = dataDir.resolve("instance-id");
    try {
      if (Files.exists(file)) {
        String id = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (VALID.matcher(id).matches()) {
          return id;
        }
        throw new ConfigException(file + " holds an invalid instance id: " + id);
      }
      Files.createDirectories(dataDir);
      String host = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
      byte[] random = new byte[4];
      ThreadLocalRandom.current().nextBytes(random);
      String id =
          (host.length() > 48 ? host.substring(0, 48) : host)
              + "-"
              + HexFormat.of().formatHex(random);
      Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
      return id;
    } catch (IOException e) {
      throw new ConfigException("cannot keep the instance id in " + file + ": " + e.getMessage());
    }
  }
}
