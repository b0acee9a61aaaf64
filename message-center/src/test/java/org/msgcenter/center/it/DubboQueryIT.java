package org.msgcenter.center.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.msgcenter.center.it.DubboClients.as;
import static org.msgcenter.center.it.DubboClients.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.msgcenter.api.AccessDeniedException;
import org.msgcenter.api.AttemptOutcome;
import org.msgcenter.api.DeliveryStatus;
import org.msgcenter.api.InboxQuery;
import org.msgcenter.api.InvalidRequestException;
import org.msgcenter.api.MessageNotFoundException;
import org.msgcenter.api.MessagePage;
import org.msgcenter.api.MessageQuery;
import org.msgcenter.api.MessageQueryService;
import org.msgcenter.api.MessageStatus;
import org.msgcenter.api.MessageView;
import org.msgcenter.api.Notification;
import org.msgcenter.api.Recipient;
import org.msgcenter.api.Uuid7;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.EmbeddedZooKeeper;
import org.msgcenter.testkit.FreePorts;
import org.msgcenter.testkit.TestDatabase;

/**
 * The query service end to end: notifications published to Kafka and recorded by the center's own
 * pipeline, read by real Dubbo consumers that find the provider through ZooKeeper, over {@code
 * dubbo} and {@code tri}, and over Triple's HTTP/JSON.
 */
@ExtendWith(EmbeddedInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DubboQueryIT {
  static final String TOKEN = "query-it-token";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  private EmbeddedZooKeeper zk;
  private CenterHarness harness;
  private DubboClients overDubbo;
  private DubboClients overTri;
  private int triPort;

  @BeforeAll
  void start(EmbeddedKafka kafka, TestDatabase db, @TempDir Path dir) {
    // A ZooKeeper of its own: the registry and the dynamic configuration stay this class's.
    zk = new EmbeddedZooKeeper().start();
    harness = new CenterHarness(kafka, db.jdbcUrl(), db.user(), db.password(), dir);
    triPort = FreePorts.next();
    harness
        .set("zookeeper.connect", zk.connectString())
        .set("dubbo.enabled", "true")
        .set("dubbo.port", String.valueOf(FreePorts.next()))
        .set("dubbo.tri.port", String.valueOf(triPort))
        .set("dubbo.accessToken", TOKEN);
    harness.start();
    overDubbo = new DubboClients(zk.connectString(), "dubbo");
    overTri = new DubboClients(zk.connectString(), "tri");
  }

  @AfterAll
  void stop() {
    // Consumers before the provider, so that none is left calling a closed port.
    if (overDubbo != null) {
      overDubbo.close();
    }
    if (overTri != null) {
      overTri.close();
    }
    harness.close();
    zk.close();
  }

  private List<MessageQueryService> bothProtocols() {
    return List.of(overDubbo.queries, overTri.queries);
  }

  private Notification publish(String userId, String bizType) {
    Notification n =
        Notification.builder()
            .bizType(bizType)
            .bizId("order-" + userId)
            .recipient(Recipient.ofUser(userId))
            .title("Hello")
            .content("Transfer received: 120.00")
            .data(Map.of("amount", new java.math.BigDecimal("120.00")))
            .build();
    harness.publish(n);
    return n;
  }

  private MessageView delivered(MessageQueryService service, String messageId) {
    return await()
        .atMost(WAIT)
        .ignoreException(MessageNotFoundException.class)
        .until(
            () -> as(TOKEN, () -> service.getMessage(messageId)),
            m -> m.getStatus() == MessageStatus.DELIVERED);
  }

  @Test
  void a_published_notification_reads_the_same_over_dubbo_tri_and_http_json() throws IOException {
    Notification n = publish("u-read-1", "payment.received");

    MessageView viaTri = delivered(overTri.queries, n.messageId());
    MessageView viaDubbo = as(TOKEN, () -> overDubbo.queries.getMessage(n.messageId()));
    for (MessageView m : List.of(viaTri, viaDubbo)) {
      assertThat(m.getMessageId()).isEqualTo(n.messageId());
      assertThat(m.getBizType()).isEqualTo("payment.received");
      assertThat(m.getUserId()).isEqualTo("u-read-1");
      assertThat(m.getData()).containsEntry("amount", new java.math.BigDecimal("120.00"));
      assertThat(m.getDeliveries()).hasSize(1);
      assertThat(m.getDeliveries().get(0).getChannel()).isEqualTo("in-app");
      assertThat(m.getDeliveries().get(0).getStatus()).isEqualTo(DeliveryStatus.SENT);
      assertThat(m.getDeliveries().get(0).getHistory()).hasSize(1);
      assertThat(m.getDeliveries().get(0).getHistory().get(0).getOutcome())
          .isEqualTo(AttemptOutcome.SENT);
    }
    assertThat(viaDubbo.toString()).isEqualTo(viaTri.toString());

    HttpResponse<String> r =
        http(
            triPort, MessageQueryService.class, "getMessage", "[\"" + n.messageId() + "\"]", TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("messageId").asText()).isEqualTo(n.messageId());
    assertThat(body.get("status").asText()).isEqualTo("DELIVERED");
    assertThat(body.get("data").get("amount").decimalValue()).isEqualByComparingTo("120.00");
    assertThat(body.get("deliveries").get(0).get("history").get(0).get("outcome").asText())
        .isEqualTo("SENT");
  }

  @Test
  void an_unknown_id_is_not_found_and_a_malformed_one_invalid_over_every_protocol()
      throws IOException {
    String unknown = Uuid7.generate();
    for (MessageQueryService service : bothProtocols()) {
      assertThatThrownBy(() -> as(TOKEN, () -> service.getMessage(unknown)))
          .isInstanceOf(MessageNotFoundException.class)
          .hasMessageContaining(unknown);
      assertThatThrownBy(() -> as(TOKEN, () -> service.getMessage("not-an-id")))
          .isInstanceOfSatisfying(
              InvalidRequestException.class, e -> assertThat(e.getField()).isEqualTo("messageId"));
    }

    HttpResponse<String> missing =
        http(triPort, MessageQueryService.class, "getMessage", "[\"" + unknown + "\"]", TOKEN);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(missing.body()).get("code").asText()).isEqualTo("MESSAGE_NOT_FOUND");
    HttpResponse<String> bad =
        http(triPort, MessageQueryService.class, "getMessage", "[\"not-an-id\"]", TOKEN);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(bad.body()).get("code").asText()).isEqualTo("INVALID_REQUEST");
    assertThat(JSON.readTree(bad.body()).get("field").asText()).isEqualTo("messageId");
  }

  @Test
  void a_missing_or_wrong_token_is_refused_through_the_registry_path() throws Exception {
    String id = Uuid7.generate();
    for (MessageQueryService service : bothProtocols()) {
      assertThatThrownBy(() -> as(null, () -> service.getMessage(id)))
          .isInstanceOf(AccessDeniedException.class)
          .hasMessageContaining("missing access token");
      assertThatThrownBy(() -> as("guess", () -> service.getMessage(id)))
          .isInstanceOf(AccessDeniedException.class)
          .hasMessageContaining("wrong access token");
      assertThatThrownBy(() -> as("guess", () -> service.unreadCount("u-1")))
          .isInstanceOf(AccessDeniedException.class);
    }
    assertThatThrownBy(() -> as("guess", () -> overTri.commands.cancel(id)))
        .isInstanceOf(AccessDeniedException.class);

    for (String token : new String[] {null, "guess"}) {
      HttpResponse<String> r =
          http(triPort, MessageQueryService.class, "getMessage", "[\"" + id + "\"]", token);
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(JSON.readTree(r.body()).get("code").asText()).isEqualTo("ACCESS_DENIED");
    }

    // The token is configuration of the provider, never a parameter of its registered URLs.
    try (CuratorFramework client =
        CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(100))) {
      client.start();
      List<String> urls = new ArrayList<>();
      for (Class<?> service :
          List.of(MessageQueryService.class, org.msgcenter.api.MessageCommandService.class)) {
        for (String child :
            client.getChildren().forPath("/dubbo/" + service.getName() + "/providers")) {
          urls.add(URLDecoder.decode(child, StandardCharsets.UTF_8));
        }
      }
      assertThat(urls).hasSize(4).allMatch(u -> u.startsWith("dubbo://") || u.startsWith("tri://"));
      assertThat(urls).noneMatch(u -> u.contains(TOKEN)).noneMatch(u -> u.contains("token="));
    }
  }

  @Test
  void search_and_inbox_page_through_every_row_exactly_once() {
    String user = "u-pages-" + System.nanoTime();
    Instant before = Instant.now().minusSeconds(1);
    Set<String> published = new HashSet<>();
    for (int i = 0; i < 95; i++) {
      published.add(publish(user, i % 2 == 0 ? "paging.even" : "paging.odd").messageId());
    }
    await()
        .atMost(WAIT)
        .until(() -> as(TOKEN, () -> overTri.queries.unreadCount(user)) == published.size());

    List<String> byUser =
        pageAll(
            cursor ->
                as(
                    TOKEN,
                    () ->
                        overDubbo.queries.search(
                            new MessageQuery().setUserId(user).setLimit(7).setCursor(cursor))));
    assertThat(byUser).hasSize(published.size()).doesNotHaveDuplicates();
    assertThat(new HashSet<>(byUser)).isEqualTo(published);
    assertThat(byUser).isSortedAccordingTo(java.util.Comparator.reverseOrder());

    List<String> byTypeAndTime =
        pageAll(
            cursor ->
                as(
                    TOKEN,
                    () ->
                        overTri.queries.search(
                            new MessageQuery()
                                .setBizType("paging.even")
                                .setFrom(before.toString())
                                .setLimit(10)
                                .setCursor(cursor))));
    assertThat(byTypeAndTime).hasSize(48).doesNotHaveDuplicates();
    assertThat(published).containsAll(byTypeAndTime);

    List<String> inbox =
        pageAll(
            cursor ->
                as(
                    TOKEN,
                    () ->
                        overTri.queries.inbox(
                            user, new InboxQuery().setLimit(9).setCursor(cursor))));
    assertThat(inbox).isEqualTo(byUser);

    // Replay after a message: the later ones, oldest first.
    List<String> oldestFirst = new ArrayList<>(byUser);
    java.util.Collections.reverse(oldestFirst);
    String since = oldestFirst.get(40);
    List<String> replay =
        pageAll(
            cursor ->
                as(
                    TOKEN,
                    () ->
                        overDubbo.queries.inbox(
                            user,
                            new InboxQuery().setSince(since).setLimit(11).setCursor(cursor))));
    assertThat(replay).isEqualTo(oldestFirst.subList(41, oldestFirst.size()));
  }

  private static List<String> pageAll(Function<String, MessagePage> call) {
    List<String> ids = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      MessagePage page = call.apply(cursor);
      page.getItems().forEach(m -> ids.add(m.getMessageId()));
      cursor = page.getNextCursor();
      assertThat(++pages).isLessThan(100);
    } while (cursor != null);
    return ids;
  }

  @Test
  void searches_that_would_scan_or_ask_too_much_are_refused_naming_the_field() throws IOException {
    for (MessageQueryService service : bothProtocols()) {
      assertThatThrownBy(
              () ->
                  as(TOKEN, () -> service.search(new MessageQuery().setUserId("u").setLimit(201))))
          .isInstanceOfSatisfying(
              InvalidRequestException.class,
              e -> {
                assertThat(e.getField()).isEqualTo("limit");
                assertThat(e.getMessage()).contains("between 1 and 200");
              });
      assertThatThrownBy(
              () ->
                  as(
                      TOKEN,
                      () -> service.search(new MessageQuery().setBizType("payment.received"))))
          .isInstanceOfSatisfying(
              InvalidRequestException.class, e -> assertThat(e.getField()).isEqualTo("from"));
      assertThatThrownBy(
              () ->
                  as(
                      TOKEN,
                      () -> service.search(new MessageQuery().setUserId("u").setCursor("bogus"))))
          .isInstanceOfSatisfying(
              InvalidRequestException.class, e -> assertThat(e.getField()).isEqualTo("cursor"));
    }
    HttpResponse<String> r =
        http(
            triPort,
            MessageQueryService.class,
            "search",
            "[{\"userId\": \"u\", \"limit\": 500}]",
            TOKEN);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).get("field").asText()).isEqualTo("limit");
  }

  @Test
  void the_views_json_is_the_same_over_http_and_for_the_access_layer() throws Exception {
    try (java.sql.Connection c = harness.connect()) {
      GoldenMessage.seed(c);
    }
    JsonNode golden = JSON.readTree(GoldenMessage.golden());

    HttpResponse<String> r =
        http(
            triPort,
            MessageQueryService.class,
            "getMessage",
            "[\"" + GoldenMessage.MESSAGE_ID + "\"]",
            TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(r.body())).isEqualTo(golden);

    MessageView view = as(TOKEN, () -> overDubbo.queries.getMessage(GoldenMessage.MESSAGE_ID));
    assertThat(JSON.readTree(org.msgcenter.api.ViewJson.write(view))).isEqualTo(golden);
  }
}
