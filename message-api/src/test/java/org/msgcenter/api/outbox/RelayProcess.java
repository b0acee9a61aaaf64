package org.msgcenter.api.outbox;

import java.time.Duration;
import org.mariadb.jdbc.MariaDbDataSource;
import org.msgcenter.api.publish.NotificationPublisher;
import org.msgcenter.api.publish.PublisherConfig;

/**
 * A relay in a JVM of its own, for {@link OutboxRelayCrashIT} to kill: small rounds with a pause
 * between them, so that the kill lands in the middle of the work.
 *
 * <p>Arguments: jdbcUrl user password table bootstrapServers topic
 */
public final class RelayProcess {
  private RelayProcess() {}

  public static void main(String[] args) throws Exception {
    MariaDbDataSource ds = new MariaDbDataSource(args[0]);
    ds.setUser(args[1]);
    ds.setPassword(args[2]);
    NotificationPublisher publisher =
        NotificationPublisher.kafka(
            PublisherConfig.builder()
                .bootstrapServers(args[4])
                .topic(args[5])
                .highTopic(args[5] + ".high")
                .linger(Duration.ZERO)
                .build());
    OutboxRelay relay =
        OutboxRelay.builder(ds, publisher)
            .table(args[3])
            .batchSize(5)
            .lease(Duration.ofSeconds(2))
            .build();
    System.out.println("relay running");
    while (true) {
      relay.runOnce();
      Thread.sleep(100);
    }
  }
}
