package org.msgcenter.api.publish;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.msgcenter.api.Notification;
import org.msgcenter.api.NotificationCodec;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;

/**
 * A producer that is not Java: kcat (librdkafka, the C client) publishes the documented examples
 * exactly as docs/wire-format.md tells a non-Java producer to, and message-api's codec reads them.
 * CI installs kcat; where it is missing the test is skipped, saying so.
 */
@ExtendWith(EmbeddedInfrastructure.class)
class NonJavaProducerIT {
  private static final String TOPIC = "it.nonjava.notifications";
  private static final Path EXAMPLES = Path.of("..", "docs", "examples");

  @Test
  void documented_examples_published_by_kcat_decode_with_the_codec(EmbeddedKafka kafka)
      throws Exception {
    Assumptions.assumeTrue(onPath("kcat"), "kcat is not installed (apt-get install kcat)");
    kafka.createTopics(3, TOPIC);
    ObjectMapper mapper = new ObjectMapper();
    List<Path> examples;
    try (Stream<Path> s = Files.list(EXAMPLES)) {
      examples = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    for (Path example : examples) {
      JsonNode json = mapper.readTree(example.toFile());
      // The key rule of the docs: recipient.userId, else bizId, else messageId.
      String key =
          json.path("recipient").hasNonNull("userId")
              ? json.path("recipient").get("userId").asText()
              : json.hasNonNull("bizId")
                  ? json.get("bizId").asText()
                  : json.get("messageId").asText();
      Process kcat =
          new ProcessBuilder(
                  "kcat",
                  "-P",
                  "-b",
                  kafka.bootstrapServers(),
                  "-t",
                  TOPIC,
                  "-k",
                  key,
                  "-H",
                  "schema=1",
                  example.toString())
              .redirectErrorStream(true)
              .start();
      assertThat(kcat.waitFor(30, TimeUnit.SECONDS)).as("kcat finished").isTrue();
      assertThat(kcat.exitValue())
          .as("kcat output: %s", new String(kcat.getInputStream().readAllBytes(), UTF_8))
          .isZero();
    }

    List<ConsumerRecord<String, byte[]>> records =
        KafkaNotificationPublisherIT.readToEnd(kafka.bootstrapServers(), TOPIC);
    assertThat(records).hasSize(examples.size());
    for (ConsumerRecord<String, byte[]> record : records) {
      Notification n = NotificationCodec.decode(record.value());
      assertThat(new String(record.headers().lastHeader("schema").value(), UTF_8)).isEqualTo("1");
      assertThat(record.key()).isEqualTo(n.recipient().userId().or(n::bizId).orElse(n.messageId()));
    }
    assertThat(records.stream().map(r -> NotificationCodec.decode(r.value()).bizType()))
        .containsExactlyInAnyOrder(
            examples.stream().map(NonJavaProducerIT::bizType).toArray(String[]::new));
  }

  private static String bizType(Path example) {
    try {
      return new ObjectMapper().readTree(example.toFile()).get("bizType").asText();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    return path != null
        && Stream.of(path.split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }
}
