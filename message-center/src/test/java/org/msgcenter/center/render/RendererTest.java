package org.msgcenter.center.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msgcenter.center.config.ConfigException;

class RendererTest {

  private static Renderer renderer(Path dir) throws IOException {
    Files.writeString(
        dir.resolve("payment.received.properties"),
        "title=Transfer received\ncontent=You received {{amount}} from {{payer}} & co.\nsms.content=[Bank] {{amount}}\n");
    return Renderer.load(dir);
  }

  @Test
  void a_channel_key_replaces_the_plain_key_and_values_are_not_html_escaped(@TempDir Path dir)
      throws Exception {
    Renderer r = renderer(dir);
    Map<String, Object> params = Map.of("amount", "120.00", "payer", "Alice <a@b>");
    assertThat(r.render("payment.received", "in-app", params, null, null))
        .isEqualTo(
            new Renderer.Rendered(
                "Transfer received", "You received 120.00 from Alice <a@b> & co."));
    assertThat(r.render("payment.received", "sms", params, null, null).content())
        .isEqualTo("[Bank] 120.00");
  }

  @Test
  void an_html_key_renders_an_html_body_for_its_channel_with_values_escaped(@TempDir Path dir)
      throws Exception {
    Files.writeString(
        dir.resolve("welcome.properties"),
        "title=Hi\ncontent=Hello {{name}}\nemail.html=<p>Hello <b>{{name}}</b></p>\n");
    Renderer r = Renderer.load(dir);
    Map<String, Object> params = Map.of("name", "Bob <script>");
    Renderer.Rendered email = r.render("welcome", "email", params, null, null);
    assertThat(email.content()).isEqualTo("Hello Bob <script>");
    assertThat(email.html()).isEqualTo("<p>Hello <b>Bob &lt;script&gt;</b></p>");
    assertThat(r.render("welcome", "sms", params, null, null).html()).isNull();
  }

  @Test
  void a_missing_parameter_is_an_error_naming_it_not_an_empty_string(@TempDir Path dir)
      throws Exception {
    Renderer r = renderer(dir);
    assertThatThrownBy(
            () -> r.render("payment.received", "in-app", Map.of("amount", "1"), null, null))
        .isInstanceOf(Renderer.RenderException.class)
        .hasMessageContaining("payer");
  }

  @Test
  void an_unknown_template_is_an_error(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> renderer(dir).render("nope", "sms", Map.of(), null, null))
        .hasMessageContaining("template nope does not exist");
  }

  @Test
  void without_a_template_the_given_text_is_used(@TempDir Path dir) throws Exception {
    assertThat(renderer(dir).render(null, "sms", Map.of(), "T", "C"))
        .isEqualTo(new Renderer.Rendered("T", "C"));
  }

  @Test
  void a_template_that_does_not_compile_stops_the_start(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("broken.properties"), "content=Hello {{#open}} never closed\n");
    assertThatThrownBy(() -> Renderer.load(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("broken.properties");
  }
}
