package org.msgcenter.access.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** Real HTTP calls to an access server, as a browser or curl would make them. */
final class Api {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  final int port;

  Api(int port) {
    this.port = port;
  }

  /** A response: status, headers and the body as JSON (null when it is not JSON). */
  record Response(int status, HttpResponse<String> raw, JsonNode json) {
    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    /** The field names of the error's violations. */
    java.util.List<String> fields() {
      java.util.List<String> out = new java.util.ArrayList<>();
      json.path("violations").forEach(v -> out.add(v.path("field").asText()));
      return out;
    }

    /** The rule given for {@code field}, or null. */
    String rule(String field) {
      for (JsonNode v : json.path("violations")) {
        if (field.equals(v.path("field").asText())) {
          return v.path("rule").asText();
        }
      }
      return null;
    }

    @Override
    public String toString() {
      return status + " " + raw.body();
    }
  }

  Response get(String path, Map<String, String> headers) {
    return send(request(path, headers).GET());
  }

  Response post(String path, String body, Map<String, String> headers) {
    return send(
        request(path, headers)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token);
  }

  /** Signs in and returns the token. */
  String signIn(String username, String password) {
    return signIn(username, password, "it-client/1.0");
  }

  String signIn(String username, String password, String userAgent) {
    Response r =
        post(
            "/api/sessions",
            "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}",
            Map.of("User-Agent", userAgent));
    if (r.status() != 201) {
      throw new AssertionError("sign-in of " + username + " failed: " + r);
    }
    return r.json().path("token").asText();
  }

  private HttpRequest.Builder request(String path, Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30));
    headers.forEach(b::header);
    return b;
  }

  private static Response send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = null;
      String type = r.headers().firstValue("Content-Type").orElse("");
      if (type.startsWith("application/json") && !r.body().isEmpty()) {
        json = JSON.readTree(r.body());
      }
      return new Response(r.statusCode(), r, json);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
