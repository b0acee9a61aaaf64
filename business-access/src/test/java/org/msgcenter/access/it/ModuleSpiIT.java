package org.msgcenter.access.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.msgcenter.access.it.Api.bearer;

import com.example.loyalty.LoyaltyModule;
import com.example.loyalty.RivalLoyaltyModule;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.msgcenter.access.AccessServer;
import org.msgcenter.access.config.AccessConfig;
import org.msgcenter.access.config.ConfigException;
import org.msgcenter.access.config.Settings;
import org.msgcenter.access.example.payment.PaymentModule;
import org.msgcenter.access.module.BusinessModule;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.EmbeddedMariaDb;
import org.msgcenter.testkit.TestDatabase;

/**
 * A business module from outside the access server (the documentation's worked example), added the
 * way users add one: a class listed in {@code META-INF/services} on the class path, with its
 * migrations; it gets its table, its route, its OpenAPI entry and the outbox.
 */
@ExtendWith(EmbeddedInfrastructure.class)
class ModuleSpiIT {
  private Stack stack;

  @AfterEach
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void a_module_added_to_the_class_path_gets_its_table_route_and_outbox(
      EmbeddedKafka kafka, EmbeddedMariaDb mariaDb, TestDatabase db, @TempDir Path dir)
      throws IOException {
    stack = new Stack(kafka, mariaDb, db, dir);
    ClassLoader plugins = withModules(dir, LoyaltyModule.class, PaymentModule.class);
    AccessServer server =
        AccessServer.start(
            AccessConfig.from(new Settings(stack.access)), Clock.systemUTC(), plugins);
    stack.servers.add(server);
    Api api = new Api(server.port());
    String alice = api.signIn("alice", "alice-demo-pass");

    Api.Response redeemed = api.post("/api/loyalty/redeem", "{\"points\":200}", bearer(alice));
    Api.Response tooMany = api.post("/api/loyalty/redeem", "{\"points\":400}", bearer(alice));
    Api.Response invalid = api.post("/api/loyalty/redeem", "{\"points\":5}", bearer(alice));

    assertThat(redeemed.status()).as("%s", redeemed).isEqualTo(201);
    String voucher = redeemed.json().path("voucher").asText();
    assertThat(
            stack.accessRows(
                "SELECT COUNT(*) AS n FROM msgcenter_outbox WHERE payload LIKE ?",
                "%\"bizId\":\"" + voucher + "\"%"))
        .extracting(r -> ((Number) r.get("n")).intValue())
        .containsExactly(1);
    assertThat(tooMany.status()).isEqualTo(422);
    assertThat(tooMany.rule("points")).isEqualTo("must not exceed your points");
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.rule("points")).isEqualTo("must be at least 100");
    assertThat(
            stack.accessRows("SELECT points FROM loyalty_points WHERE user_id = 'u-1001'").get(0))
        .containsEntry("points", 300L);
    assertThat(stack.accessRows("SELECT COUNT(*) AS n FROM flyway_loyalty_history").get(0).get("n"))
        .as("its own migration history")
        .isNotEqualTo(0L);
    assertThat(
            api.get("/openapi.json", java.util.Map.of())
                .json()
                .path("paths")
                .has("/api/loyalty/redeem"))
        .isTrue();
    assertThat(api.get("/api/order/list", bearer(alice)).status())
        .as("only the modules on this class path")
        .isEqualTo(404);
  }

  @Test
  void two_modules_with_one_name_stop_the_start(
      EmbeddedKafka kafka, EmbeddedMariaDb mariaDb, TestDatabase db, @TempDir Path dir)
      throws IOException {
    stack = new Stack(kafka, mariaDb, db, dir);
    ClassLoader plugins = withModules(dir, LoyaltyModule.class, RivalLoyaltyModule.class);
    assertThatThrownBy(
            () ->
                stack.servers.add(
                    AccessServer.start(
                        AccessConfig.from(new Settings(stack.access)), Clock.systemUTC(), plugins)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("two business modules are named loyalty")
        .hasMessageContaining(RivalLoyaltyModule.class.getName());
  }

  /** This class path, but with a services file that lists exactly {@code modules}. */
  private static ClassLoader withModules(Path dir, Class<?>... modules) throws IOException {
    String service = "META-INF/services/" + BusinessModule.class.getName();
    Path file = dir.resolve("services").resolve(service);
    Files.createDirectories(file.getParent());
    List<String> names = new ArrayList<>();
    for (Class<?> m : modules) {
      names.add(m.getName());
    }
    Files.write(file, names);
    URL listed = file.toUri().toURL();
    return new ClassLoader(ModuleSpiIT.class.getClassLoader()) {
      @Override
      public Enumeration<URL> getResources(String name) throws IOException {
        if (name.equals(service)) {
          return Collections.enumeration(List.of(listed));
        }
        return super.getResources(name);
      }
    };
  }
}
