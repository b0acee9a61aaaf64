package org.msgcenter.center.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.msgcenter.api.Notification;
import org.msgcenter.api.Priority;
import org.msgcenter.api.Recipient;
import org.msgcenter.center.channel.Channel;
import org.msgcenter.center.channel.ChannelContext;
import org.msgcenter.center.channel.ChannelProvider;
import org.msgcenter.center.config.ConfigException;

class RouterTest {
  /** A channel addressed by the recipient's email, or a route target. */
  private static ChannelProvider provider(String name) {
    return new ChannelProvider() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public List<String> addresses(Recipient recipient, String target) {
        if (name.equals("in-app")) {
          return recipient.userId().map(List::of).orElse(List.of());
        }
        if (target != null) {
          return List.of(target);
        }
        return recipient.email().map(List::of).orElse(List.of());
      }

      @Override
      public Channel create(ChannelContext context) {
        throw new UnsupportedOperationException("routing tests never send");
      }
    };
  }

  private static final Map<String, ChannelProvider> PROVIDERS =
      Map.of(
          "in-app", provider("in-app"), "email", provider("email"), "webhook", provider("webhook"));

  private static Router router(Map<String, String> settings) {
    return new Router(RoutingRules.parse(settings, PROVIDERS.keySet()), PROVIDERS);
  }

  private static Notification.Builder n(String bizType) {
    return Notification.builder()
        .bizType(bizType)
        .recipient(Recipient.builder().userId("u1").email("a@example.com").build())
        .content("x");
  }

  @Test
  void the_exact_rule_wins_over_a_prefix_and_a_prefix_over_the_default() throws Exception {
    Router router =
        router(
            Map.of(
                "default.channels", "in-app",
                "payment.*.channels", "email",
                "payment.succeeded.channels", "in-app,email"));
    assertThat(router.route(n("payment.succeeded").build()).deliveries())
        .extracting(Router.PlannedDelivery::channel)
        .containsExactly("in-app", "email");
    assertThat(router.route(n("payment.failed").build()).deliveries())
        .extracting(Router.PlannedDelivery::channel)
        .containsExactly("email");
    assertThat(router.route(n("order.shipped").build()).deliveries())
        .extracting(Router.PlannedDelivery::channel)
        .containsExactly("in-app");
  }

  @Test
  void the_notifications_own_channels_override_the_route() throws Exception {
    Router router = router(Map.of("default.channels", "in-app"));
    assertThat(router.route(n("a.b").channels("email").build()).deliveries())
        .extracting(Router.PlannedDelivery::channel)
        .containsExactly("email");
  }

  @Test
  void a_channel_without_an_address_is_planned_skipped_with_the_reason() throws Exception {
    Router router = router(Map.of("default.channels", "in-app,email"));
    var deliveries = router.route(n("a.b").recipient(Recipient.ofUser("u1")).build()).deliveries();
    assertThat(deliveries.get(1).skipReason()).isEqualTo("no address for channel email");
  }

  @Test
  void a_disabled_channel_is_planned_skipped_and_the_others_are_addressed() throws Exception {
    Router router =
        new Router(
            RoutingRules.parse(Map.of("default.channels", "in-app,email"), PROVIDERS.keySet()),
            PROVIDERS,
            Set.of("email"));
    var deliveries = router.route(n("a.b").build()).deliveries();
    assertThat(deliveries.get(0).skipped()).isFalse();
    assertThat(deliveries.get(1).channel()).isEqualTo("email");
    assertThat(deliveries.get(1).skipReason())
        .isEqualTo("channel email is disabled (channel.email.enabled=false)");
  }

  @Test
  void a_route_target_addresses_its_channel() throws Exception {
    Router router =
        router(
            Map.of(
                "refund.*.channels",
                "webhook",
                "refund.*.target.webhook",
                "https://merchant.example.com/cb"));
    assertThat(router.route(n("refund.done").build()).deliveries().get(0).address())
        .isEqualTo("https://merchant.example.com/cb");
  }

  @Test
  void the_route_priority_replaces_normal_but_never_lowers_high() throws Exception {
    Router router = router(Map.of("alert.*.channels", "in-app", "alert.*.priority", "LOW"));
    assertThat(router.route(n("alert.x").build()).priority()).isEqualTo(Priority.LOW);
    assertThat(router.route(n("alert.x").priority(Priority.HIGH).build()).priority())
        .isEqualTo(Priority.HIGH);
  }

  @Test
  void without_a_matching_rule_or_default_the_notification_has_no_route() {
    Router router = router(Map.of("payment.*.channels", "email"));
    assertThatThrownBy(() -> router.route(n("order.shipped").build()))
        .isInstanceOf(Router.RouteException.class)
        .hasMessageContaining("no route matches order.shipped")
        .satisfies(
            e ->
                assertThat(((Router.RouteException) e).kind())
                    .isEqualTo(Router.RouteException.Kind.NO_ROUTE));
  }

  @Test
  void a_channel_the_center_does_not_have_is_refused() {
    Router router = router(Map.of("default.channels", "in-app"));
    assertThatThrownBy(() -> router.route(n("a.b").channels("fax").build()))
        .hasMessageContaining("this center has no channel fax")
        .satisfies(
            e ->
                assertThat(((Router.RouteException) e).kind())
                    .isEqualTo(Router.RouteException.Kind.UNKNOWN_CHANNEL));
  }

  @Test
  void configuration_errors_name_the_key() {
    assertThatThrownBy(() -> RoutingRules.parse(Map.of("a.b.channels", "pager"), Set.of("in-app")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("route.a.b.channels")
        .hasMessageContaining("channel pager");
    assertThatThrownBy(() -> RoutingRules.parse(Map.of("a.b.colour", "red"), Set.of("in-app")))
        .hasMessageContaining("route.a.b.colour");
    assertThatThrownBy(
            () ->
                RoutingRules.parse(
                    Map.of("a.b.channels", "in-app", "a.b.priority", "URGENT"), Set.of("in-app")))
        .hasMessageContaining("route.a.b.priority");
    assertThatThrownBy(() -> RoutingRules.parse(Map.of("a.b.template", "t"), Set.of("in-app")))
        .hasMessageContaining("route.a.b.channels")
        .hasMessageContaining("required");
  }
}
