package org.msgcenter.api.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The outbox table users create from the docs is the one the code reads and writes. */
class OutboxTableTest {
  private static final Path DOCS = Path.of("..", "docs", "business-access.md");

  /** The statement without SQL comments and with runs of whitespace made one space. */
  static String normalized(String sql) {
    return sql.replaceAll("--[^\n]*", "").replaceAll("\\s+", " ").replace("( ", "(").trim();
  }

  @Test
  void the_documented_ddl_is_the_one_outbox_table_gives() throws IOException {
    Matcher m =
        Pattern.compile("```sql\n(CREATE TABLE msgcenter_outbox.*?);\n```", Pattern.DOTALL)
            .matcher(Files.readString(DOCS));
    assertThat(m.find()).as("a CREATE TABLE msgcenter_outbox block in " + DOCS).isTrue();
    assertThat(normalized(m.group(1))).isEqualTo(normalized(OutboxTable.ddl("msgcenter_outbox")));
  }

  @Test
  void a_table_name_that_is_not_a_plain_identifier_is_refused() {
    assertThatThrownBy(() -> OutboxTable.ddl("outbox; DROP TABLE x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("plain SQL identifier");
    assertThatThrownBy(() -> OutboxPublisher.create("a-b", java.time.Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
