package org.msgcenter.access.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.msgcenter.access.it.Api.bearer;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.msgcenter.access.AccessServer;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.EmbeddedMariaDb;
import org.msgcenter.testkit.TestDatabase;

/**
 * A transfer committed while no relay runs, by a server that then goes away before publishing, is
 * published by the next server's relay: the commit, not the publish, is the point of no return.
 */
@ExtendWith(EmbeddedInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxRecoveryIT {
  private Stack stack;

  @BeforeAll
  void start(EmbeddedKafka kafka, EmbeddedMariaDb mariaDb, TestDatabase db, @TempDir Path dir) {
    stack = new Stack(kafka, mariaDb, db, dir).startCenter();
  }

  @AfterAll
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void a_transfer_committed_before_its_server_died_is_notified_by_the_next_server() {
    AccessServer first = stack.startAccess();
    Api firstApi = new Api(first.port());
    String alice = firstApi.signIn("alice", "alice-demo-pass");
    // The relay dies first: what commits from now on stays in the outbox.
    first.relay().close();

    Api.Response r =
        firstApi.post(
            "/api/payment/transfer", "{\"to\":\"bob\",\"amount\":\"7.00\"}", bearer(alice));
    assertThat(r.status()).as("%s", r).isEqualTo(201);
    String transferId = r.json().path("transfer").path("transferId").asText();
    List<Map<String, Object>> waiting =
        stack.accessRows(
            "SELECT message_id, sent_at FROM msgcenter_outbox WHERE payload LIKE ?",
            "%" + transferId + "%");
    assertThat(waiting).hasSize(2).allMatch(row -> row.get("sent_at") == null);
    first.close();

    AccessServer second = stack.startAccess();
    Api secondApi = new Api(second.port());
    String bob = secondApi.signIn("bob", "bob-demo-pass");

    JsonNode received =
        await()
            .atMost(Duration.ofSeconds(40))
            .until(
                () -> {
                  JsonNode page = secondApi.get("/api/me/inbox", bearer(bob)).json();
                  for (JsonNode m : page.path("items")) {
                    if (transferId.equals(m.path("bizId").asText())) {
                      return m;
                    }
                  }
                  return null;
                },
                m -> m != null);
    assertThat(received.path("bizType").asText()).isEqualTo("payment.received");
    assertThat(
            stack.accessRows(
                "SELECT sent_at FROM msgcenter_outbox WHERE payload LIKE ?",
                "%" + transferId + "%"))
        .allMatch(row -> row.get("sent_at") != null);
    assertThat(stack.centerRows("SELECT 1 FROM message WHERE biz_id = ?", transferId)).hasSize(2);
  }
}
