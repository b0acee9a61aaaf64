package org.msgcenter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Holds docs/ to the code: every documented example passes the JSON Schema and the codec, and
 * records that break a rule fail both, so a producer following the docs alone publishes correctly.
 */
class WireFormatDocsTest {
  static final Path DOCS = Path.of("..", "docs");
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static JsonSchema schema;

  @BeforeAll
  static void loadSchema() throws IOException {
    try (InputStream in =
        Files.newInputStream(DOCS.resolve("schema/notification-v1.schema.json"))) {
      schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    }
  }

  static Stream<Path> examples() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(DOCS.resolve("examples"))) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(4);
    return files.stream();
  }

  @ParameterizedTest
  @MethodSource("examples")
  void every_documented_example_passes_the_schema_and_the_codec(Path example) throws IOException {
    byte[] bytes = Files.readAllBytes(example);
    assertThat(schema.validate(MAPPER.readTree(bytes))).as("schema errors").isEmpty();
    Notification n = NotificationCodec.decode(bytes);
    assertThat(n.messageId()).isEqualTo(MAPPER.readTree(bytes).get("messageId").asText());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // each breaks one rule of a valid record
        "{'schema':2,'messageId':'0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d','bizType':'a.b','recipient':{'userId':'u'},'content':'hi'}",
        "{'schema':1,'bizType':'a.b','recipient':{'userId':'u'},'content':'hi'}",
        "{'schema':1,'messageId':'3f1c2b9e-8a4d-4c1e-9b2a-7d6e5f4a3b2c','bizType':'a.b','recipient':{'userId':'u'},'content':'hi'}",
        "{'schema':1,'messageId':'0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d','bizType':'A B','recipient':{'userId':'u'},'content':'hi'}",
        "{'schema':1,'messageId':'0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d','bizType':'a.b','content':'hi'}",
        "{'schema':1,'messageId':'0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d','bizType':'a.b','recipient':{},'content':'hi'}",
        "{'schema':1,'messageId':'0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d','bizType':'a.b','recipient':{'userId':'u'}}",
        "{'schema':1,'messageId':'0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d','bizType':'a.b','recipient':{'userId':'u'},'content':'hi','template':'t'}",
        "{'schema':1,'messageId':'0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d','bizType':'a.b','recipient':{'userId':'u'},'template':'t','title':'x'}",
        "{'schema':1,'messageId':'0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d','bizType':'a.b','recipient':{'userId':'u'},'content':'hi','params':{}}",
        "{'schema':1,'messageId':'0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d','bizType':'a.b','recipient':{'email':'x@example.com'},'content':'hi','dedupKey':'k'}",
        "{'schema':1,'messageId':'0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d','bizType':'a.b','recipient':{'phone':'138001380'},'content':'hi'}",
        "{'schema':1,'messageId':'0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d','bizType':'a.b','recipient':{'email':'nobody'},'content':'hi'}",
        "{'schema':1,'messageId':'0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d','bizType':'a.b','recipient':{'webhookUrl':'ftp://x.example.com'},'content':'hi'}",
        "{'schema':1,'messageId':'0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d','bizType':'a.b','recipient':{'userId':'u'},'content':'hi','priority':'URGENT'}",
        "{'schema':1,'messageId':'0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d','bizType':'a.b','recipient':{'userId':'u'},'content':'hi','channels':['Email']}",
        "{'schema':1,'messageId':'0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d','bizType':'a.b','recipient':{'userId':'u'},'content':'hi','channels':['sms','sms']}",
        "{'schema':1,'messageId':'0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d','bizType':'a.b','recipient':{'userId':'u'},'content':'hi','sendAt':'2026-11-22 08:00'}",
        "{'schema':1,'messageId':'0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d','bizType':'a.b','recipient':{'userId':'u'},'content':'hi','data':[1]}",
        "{'schema':1,'messageId':'0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d','bizType':'a.b','recipient':{'userId':'u 1'},'content':'hi'}",
      })
  void a_record_breaking_a_rule_fails_both_the_schema_and_the_codec(String singleQuoted)
      throws IOException {
    String json = singleQuoted.replace('\'', '"');
    Set<ValidationMessage> errors = schema.validate(MAPPER.readTree(json));
    assertThat(errors).as("schema errors for %s", json).isNotEmpty();
    assertThatThrownBy(() -> NotificationCodec.decode(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidNotificationException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // rules the schema cannot state; docs/wire-format.md lists them in words
        "{'schema':1,'messageId':'0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d','bizType':'a.b','recipient':{'userId':'u'},'content':'hi','sendAt':'2026-11-23T00:00:00Z','expireAt':'2026-11-22T00:00:00Z'}",
        "{'schema':1,'messageId':'0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d','bizType':'a.b','recipient':{'userId':'u','timeZone':'Mars/Olympus'},'content':'hi'}",
      })
  void rules_beyond_the_schema_are_enforced_by_the_codec(String singleQuoted) {
    String json = singleQuoted.replace('\'', '"');
    assertThatThrownBy(() -> NotificationCodec.decode(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidNotificationException.class);
  }
}
