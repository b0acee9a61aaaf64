package org.msgcenter.notifier.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.msgcenter.api.Uuid7;

class ReadRequestTest {

  @Test
  void valid_ids_are_kept_once_each_in_order() {
    String a = Uuid7.generate();
    String b = Uuid7.generate();
    ReadRequest r = ReadRequest.parse(Map.of("messageIds", List.of(a, b, a)));
    assertThat(r.messageIds()).containsExactly(a, b);
    assertThat(r.errors()).isEmpty();
  }

  @Test
  void each_bad_id_is_named_and_the_good_ones_are_kept() {
    String a = Uuid7.generate();
    ReadRequest r = ReadRequest.parse(Map.of("messageIds", List.of("x", a, 42)));
    assertThat(r.messageIds()).containsExactly(a);
    assertThat(r.errors()).hasSize(2);
    assertThat(r.errors().get(0)).startsWith("messageIds[0]");
    assertThat(r.errors().get(1)).startsWith("messageIds[2]");
  }

  @Test
  void payloads_of_the_wrong_shape_are_refused_with_a_reason() {
    assertThat(ReadRequest.parse(null).errors().get(0)).contains("{messageIds: [...]}");
    assertThat(ReadRequest.parse("ids").errors().get(0)).contains("{messageIds: [...]}");
    assertThat(ReadRequest.parse(Map.of("messageIds", "x")).errors().get(0))
        .startsWith("messageIds: required array");
    assertThat(
            ReadRequest.parse(
                    Map.of("messageIds", Collections.nCopies(ReadRequest.MAX_IDS + 1, "x")))
                .errors()
                .get(0))
        .contains("at most");
  }
}
