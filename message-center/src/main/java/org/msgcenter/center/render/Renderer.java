package org.msgcenter.center.render;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.msgcenter.center.config.ConfigException;

/**
 * Renders a notification's title and content per channel with Mustache templates.
 *
 * <p>Templates live in one file per template, {@code <templates.dir>/<name>.properties}:
 *
 * <pre>
 * title=Transfer received
 * content=You received {{amount}} {{currency}} from {{payer}}.
 * sms.content=[Bank] {{payer}} sent you {{amount}} {{currency}}.
 * </pre>
 *
 * A key prefixed with a channel name ({@code sms.content}) replaces the plain key for that channel.
 * An {@code html} key ({@code email.html}) adds an HTML body for channels that can show one (email
 * sends it with the content as the plain-text alternative); in it, parameter values are
 * HTML-escaped. Parameters are the notification's {@code params}, plus its {@code title} and {@code
 * content} when it carries them (so a route's template can wrap ready text). A parameter the
 * template uses but the notification lacks is an error, never an empty string: the delivery fails
 * permanently with a reason naming it. Values are inserted as they are (no HTML escaping, except in
 * {@code html} keys). Immutable after loading; thread-safe.
 */
public final class Renderer {

  /**
   * A rendered title (may be null), content, and HTML body (null unless the template has an {@code
   * html} key for the channel).
   */
  public record Rendered(String title, String content, String html) {
    public Rendered(String title, String content) {
      this(title, content, null);
    }
  }

  /** Why a delivery cannot be rendered; permanent: the same input fails the same way. */
  public static final class RenderException extends Exception {
    private static final long serialVersionUID = 1L;

    RenderException(String message) {
      super(message);
    }
  }

  private static final Mustache.Compiler COMPILER =
      Mustache.compiler().escapeHTML(false).strictSections(true);

  /** For HTML bodies: parameter values are escaped, so a value cannot inject markup. */
  private static final Mustache.Compiler HTML_COMPILER =
      Mustache.compiler().escapeHTML(true).strictSections(true);

  private final Map<String, Map<String, Template>> templates;

  Renderer(Map<String, Map<String, Template>> templates) {
    this.templates = templates;
  }

  /** Loads every {@code *.properties} file of {@code dir}; a missing dir means no templates. */
  public static Renderer load(Path dir) {
    Map<String, Map<String, Template>> all = new HashMap<>();
    if (!Files.isDirectory(dir)) {
      return new Renderer(all);
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.properties")) {
      for (Path file : files) {
        String name = file.getFileName().toString().replaceFirst("\\.properties$", "");
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
          p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        Map<String, Template> compiled = new HashMap<>();
        for (String key : p.stringPropertyNames()) {
          try {
            boolean html = key.equals("html") || key.endsWith(".html");
            compiled.put(key, (html ? HTML_COMPILER : COMPILER).compile(p.getProperty(key)));
          } catch (MustacheException e) {
            throw new ConfigException(
                "template " + file + " key " + key + " does not compile: " + e.getMessage());
          }
        }
        if (compiled.keySet().stream()
            .noneMatch(k -> k.equals("content") || k.endsWith(".content"))) {
          throw new ConfigException("template " + file + " has no content key");
        }
        all.put(name, compiled);
      }
    } catch (IOException e) {
      throw new ConfigException("templates in " + dir + " cannot be read: " + e.getMessage());
    }
    return new Renderer(all);
  }

  public boolean has(String template) {
    return templates.containsKey(template);
  }

  /**
   * Renders for {@code channel}. Without a template, the given title and content are used as they
   * are.
   */
  public Rendered render(
      String template, String channel, Map<String, Object> params, String title, String content)
      throws RenderException {
    if (template == null) {
      if (content == null) {
        throw new RenderException("no template and no content");
      }
      return new Rendered(title, content);
    }
    Map<String, Template> t = templates.get(template);
    if (t == null) {
      throw new RenderException("template " + template + " does not exist");
    }
    Map<String, Object> context = new HashMap<>(params);
    if (title != null) {
      context.putIfAbsent("title", title);
    }
    if (content != null) {
      context.putIfAbsent("content", content);
    }
    Template titleTemplate = t.getOrDefault(channel + ".title", t.get("title"));
    Template contentTemplate = t.getOrDefault(channel + ".content", t.get("content"));
    Template htmlTemplate = t.getOrDefault(channel + ".html", t.get("html"));
    if (contentTemplate == null) {
      throw new RenderException("template " + template + " has no content for channel " + channel);
    }
    try {
      String renderedTitle = titleTemplate == null ? null : titleTemplate.execute(context);
      String renderedHtml = htmlTemplate == null ? null : htmlTemplate.execute(context);
      return new Rendered(renderedTitle, contentTemplate.execute(context), renderedHtml);
    } catch (MustacheException e) {
      throw new RenderException(
          "template " + template + " for channel " + channel + ": " + e.getMessage());
    }
  }
}
