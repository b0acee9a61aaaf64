package org.msgcenter.access.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.msgcenter.api.outbox.OutboxTable;

class MigrationsTest {

  private static String normalized(String sql) {
    return sql.replaceAll("--[^\n]*", "").replaceAll("\\s+", " ").replace("( ", "(").trim();
  }

  @Test
  void the_access_database_creates_the_outbox_exactly_as_message_api_defines_it()
      throws IOException {
    String migration;
    try (InputStream in = getClass().getResourceAsStream("/db/access/V1__users_and_outbox.sql")) {
      migration = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Matcher m =
        Pattern.compile("(CREATE TABLE msgcenter_outbox.*?);", Pattern.DOTALL).matcher(migration);
    assertThat(m.find()).isTrue();
    assertThat(normalized(m.group(1))).isEqualTo(normalized(OutboxTable.ddl("msgcenter_outbox")));
  }
}
