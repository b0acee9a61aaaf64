package org.example.msgcenter.slack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.msgcenter.center.channel.Addresses;
import org.msgcenter.center.channel.Channel;
import org.msgcenter.center.channel.ChannelOutcome;
import org.msgcenter.center.channel.OutboundDelivery;

/** Posts {@code {"text": "*title*\ncontent"}} to the delivery's webhook URL. */
final class SlackChannel implements Channel {
  private final Duration timeout;
  private final ExecutorService executor = Executors.newFixedThreadPool(2);
  private final HttpClient client;

  SlackChannel(Duration timeout) {
    this.timeout = timeout;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(executor)
            .build();
  }

  @Override
  public String name() {
    return "slack";
  }

  @Override
  public CompletionStage<ChannelOutcome> send(OutboundDelivery d) {
    String where = Addresses.maskUrl(d.address()); // never log or record the URL itself
    String text = d.title() == null ? d.content() : "*" + d.title() + "*\n" + d.content();
    HttpRequest request;
    try {
      request =
          HttpRequest.newBuilder(URI.create(d.address()))
              .timeout(timeout)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{\"text\":" + json(text) + "}"))
              .build();
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(
          new ChannelOutcome.PermanentFailure("not a webhook URL: " + where));
    }
    return client
        .sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .handle(
            (response, error) -> {
              if (error != null) {
                // Timeouts, refused connections: another attempt may get through.
                return new ChannelOutcome.RetryableFailure(
                    "cannot reach " + where + ": " + error.getClass().getSimpleName());
              }
              int status = response.statusCode();
              if (status == 200) {
                return new ChannelOutcome.Sent(null);
              }
              String reason = "HTTP " + status + " from " + where + ": " + response.body();
              if (status == 429 || status >= 500) {
                return new ChannelOutcome.RetryableFailure(reason);
              }
              // invalid_token, channel_not_found, no_text...: the same request fails again.
              return new ChannelOutcome.PermanentFailure(reason);
            });
  }

  /** A JSON string literal. */
  static String json(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  @Override
  public void close() {
    executor.shutdown();
  }
}
