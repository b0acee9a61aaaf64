package org.msgcenter.center.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.RpcContext;
import org.apache.dubbo.rpc.model.FrameworkModel;
import org.msgcenter.api.MessageCommandService;
import org.msgcenter.api.MessageQueryService;

/**
 * A real Dubbo consumer of the center's services, in its own Dubbo framework, that finds the
 * provider through the ZooKeeper registry and calls it over one protocol ({@code dubbo} or {@code
 * tri}); and plain HTTP/JSON calls to Triple.
 */
final class DubboClients implements AutoCloseable {
  final FrameworkModel framework = new FrameworkModel();
  final MessageQueryService queries;
  final MessageCommandService commands;

  DubboClients(String zookeeper, String protocol) {
    DubboBootstrap bootstrap = DubboBootstrap.newInstance(framework);
    ApplicationConfig app = new ApplicationConfig("query-it-consumer-" + protocol);
    app.setQosEnable(false);
    RegistryConfig registry = new RegistryConfig("zookeeper://" + zookeeper);
    registry.setUseAsConfigCenter(false);
    registry.setUseAsMetadataCenter(false);
    ReferenceConfig<MessageQueryService> q = reference(MessageQueryService.class, protocol);
    ReferenceConfig<MessageCommandService> c = reference(MessageCommandService.class, protocol);
    bootstrap.application(app).registry(registry).reference(q).reference(c).start();
    queries = q.get();
    commands = c.get();
  }

  private static <T> ReferenceConfig<T> reference(Class<T> type, String protocol) {
    ReferenceConfig<T> r = new ReferenceConfig<>();
    r.setInterface(type);
    r.setProtocol(protocol);
    r.setTimeout(15_000);
    r.setCheck(true);
    // The center registers interface-level only.
    r.setParameters(Map.of("migration.step", "FORCE_INTERFACE"));
    return r;
  }

  /** Makes one call with {@code token} as the access token attachment (none when null). */
  static <T> T as(String token, Supplier<T> call) {
    if (token != null) {
      RpcContext.getClientAttachment().setAttachment("token", token);
    }
    return call.get();
  }

  @Override
  public void close() {
    framework.destroy();
  }

  /** POSTs a JSON array of arguments to Triple's HTTP/JSON, as curl would. */
  static HttpResponse<String> http(
      int triPort, Class<?> service, String method, String json, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + triPort + "/" + service.getName() + "/" + method))
            .timeout(Duration.ofSeconds(15))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      request.header("token", token);
    }
    try {
      return HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .build()
          .send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
