package org.msgcenter.center.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.msgcenter.center.config.ConfigException;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedZooKeeper;

@ExtendWith(EmbeddedInfrastructure.class)
class InstanceRegistryIT {

  @Test
  void a_second_live_instance_with_the_same_id_refuses_to_start(EmbeddedZooKeeper zk) {
    Duration session = Duration.ofSeconds(2);
    try (InstanceRegistry first =
        InstanceRegistry.register(zk.connectString(), session, "center-a", Clock.systemUTC())) {
      assertThat(first.registered()).isTrue();
      assertThatThrownBy(
              () ->
                  InstanceRegistry.register(
                      zk.connectString(), session, "center-a", Clock.systemUTC()))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("instance.id center-a is already live")
          .hasMessageContaining("pid=");
      try (InstanceRegistry other =
          InstanceRegistry.register(zk.connectString(), session, "center-b", Clock.systemUTC())) {
        assertThat(other.registered()).isTrue();
      }
    }
    // Once the first has stopped, its id is free again.
    try (InstanceRegistry again =
        InstanceRegistry.register(zk.connectString(), session, "center-a", Clock.systemUTC())) {
      assertThat(again.registered()).isTrue();
    }
  }

  @Test
  void an_unreachable_zookeeper_stops_the_start_with_a_clear_error() {
    assertThatThrownBy(
            () ->
                InstanceRegistry.register(
                    "127.0.0.1:1", Duration.ofSeconds(2), "x", Clock.systemUTC()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ZooKeeper cannot be reached");
  }
}
