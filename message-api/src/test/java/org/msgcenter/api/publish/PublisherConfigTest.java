package org.msgcenter.api.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class PublisherConfigTest {

  @Test
  void defaults_are_the_documented_ones() {
    PublisherConfig c = PublisherConfig.builder().bootstrapServers("localhost:9092").build();
    assertThat(c.topic()).isEqualTo("msgcenter.notifications");
    assertThat(c.highTopic()).isEqualTo("msgcenter.notifications.high");
    assertThat(c.compression()).isEqualTo("lz4");
    assertThat(c.deliveryTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void the_producer_is_idempotent_with_acks_all() {
    Properties p =
        KafkaNotificationPublisher.properties(
            PublisherConfig.builder()
                .bootstrapServers("localhost:9092")
                .producerProperty("security.protocol", "SSL")
                .build());
    assertThat(p).containsEntry("acks", "all").containsEntry("enable.idempotence", "true");
    assertThat(p).containsEntry("security.protocol", "SSL");
  }

  @Test
  void bootstrap_servers_are_required() {
    assertThatThrownBy(() -> PublisherConfig.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bootstrapServers is required");
  }

  @Test
  void the_high_lane_needs_its_own_topic() {
    assertThatThrownBy(
            () ->
                PublisherConfig.builder()
                    .bootstrapServers("k:9092")
                    .highTopic("msgcenter.notifications")
                    .build())
        .hasMessageContaining("highTopic must differ from topic");
  }

  @Test
  void delivery_timeout_must_cover_linger_and_request_timeout() {
    assertThatThrownBy(
            () ->
                PublisherConfig.builder()
                    .bootstrapServers("k:9092")
                    .requestTimeout(Duration.ofSeconds(10))
                    .deliveryTimeout(Duration.ofSeconds(5))
                    .build())
        .hasMessageContaining("deliveryTimeout (PT5S) must be at least linger + requestTimeout");
  }

  @Test
  void unknown_compression_is_refused() {
    assertThatThrownBy(
            () ->
                PublisherConfig.builder().bootstrapServers("k:9092").compression("brotli").build())
        .hasMessageContaining("compression must be one of");
  }

  @Test
  void settings_the_guarantees_rest_on_cannot_be_overridden() {
    assertThatThrownBy(() -> PublisherConfig.builder().producerProperty("acks", "1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("producer property acks is set by the publisher");
  }
}
