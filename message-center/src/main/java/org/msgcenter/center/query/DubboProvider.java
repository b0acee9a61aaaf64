package org.msgcenter.center.query;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ProviderConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.model.ApplicationModel;
import org.apache.dubbo.rpc.model.FrameworkModel;
import org.msgcenter.api.MessageCommandService;
import org.msgcenter.api.MessageQueryService;
import org.msgcenter.center.config.CenterConfig;
import org.msgcenter.center.query.internal.AccessToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports {@link MessageQueryService} and {@link MessageCommandService} over Dubbo: the {@code
 * dubbo} protocol and Triple (gRPC and HTTP/JSON), registered in ZooKeeper under {@code /dubbo}
 * (interface-level registration), or exported without a registry when none is configured.
 *
 * <p>One Dubbo framework and application of its own, built without Spring, so that it shares no
 * static state with any other Dubbo in the JVM. Three extensions, registered in {@code
 * META-INF/dubbo}, fit it to the center: the access token filter (the token is a bean of this
 * application, never a URL parameter, so it never reaches the registry), the mapping of the
 * contract's exceptions to HTTP status codes, and the JSON of the views ({@link
 * org.msgcenter.api.ViewJson}) for Triple's HTTP/JSON.
 *
 * <p>Dubbo also registers a JVM shutdown hook of its own; on SIGTERM it unregisters and unexports
 * the services while the center's hook stops the rest, which is harmless: {@link #close()} is
 * idempotent.
 */
public final class DubboProvider implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DubboProvider.class);

  /** The Dubbo application name the center registers with. */
  public static final String APPLICATION = "msgcenter-center";

  private final FrameworkModel framework;
  private final CenterConfig.Dubbo config;
  private boolean closed;

  private DubboProvider(
      CenterConfig.Dubbo config,
      String zookeeper,
      String instanceId,
      MessageQueryService queries,
      MessageCommandService commands) {
    this.config = config;
    this.framework = new FrameworkModel();
    try {
      DubboBootstrap bootstrap = DubboBootstrap.newInstance(framework);
      ApplicationModel app = bootstrap.getApplicationModel();
      app.getBeanFactory().registerBean(new AccessToken(config.accessToken()));

      ApplicationConfig application = new ApplicationConfig(APPLICATION);
      application.setQosEnable(false);
      application.setRegisterMode("interface");
      application.setParameters(Map.of("instance", instanceId));

      ProviderConfig provider = new ProviderConfig();
      provider.setTimeout(Math.toIntExact(config.timeout().toMillis()));
      if (!config.host().isEmpty()) {
        provider.setHost(config.host());
      }

      ServiceConfig<MessageQueryService> query = new ServiceConfig<>();
      query.setInterface(MessageQueryService.class);
      query.setRef(queries);
      ServiceConfig<MessageCommandService> command = new ServiceConfig<>();
      command.setInterface(MessageCommandService.class);
      command.setRef(commands);
      // A timed-out command may still commit; the caller decides whether to send it again.
      command.setRetries(0);

      bootstrap
          .application(application)
          .registry(registry(zookeeper))
          .provider(provider)
          .protocols(List.of(protocol("dubbo", config.port()), protocol("tri", config.triPort())))
          .service(query)
          .service(command)
          .start();
    } catch (RuntimeException e) {
      framework.destroy();
      throw e;
    }
    if (zookeeper.isBlank()) {
      log.warn(
          "zookeeper.connect is empty: the query and command services are exported without a"
              + " registry (dubbo on port {}, tri on port {}); consumers must connect by URL",
          config.port(),
          config.triPort());
    } else {
      log.info(
          "Query and command services exported: dubbo on port {}, tri (gRPC and HTTP/JSON) on"
              + " port {}, registered in ZooKeeper {}",
          config.port(),
          config.triPort(),
          zookeeper);
    }
  }

  /** Exports the services and registers them; fails if a port is taken or the registry is away. */
  public static DubboProvider start(
      CenterConfig.Dubbo config,
      String zookeeper,
      String instanceId,
      MessageQueryService queries,
      MessageCommandService commands) {
    return new DubboProvider(config, zookeeper, instanceId, queries, commands);
  }

  private ProtocolConfig protocol(String name, int port) {
    ProtocolConfig p = new ProtocolConfig(name, port);
    p.setThreads(config.threads());
    if (!config.host().isEmpty()) {
      p.setHost(config.host());
    }
    return p;
  }

  /**
   * A ZooKeeper connect string ({@code host:port,host:port}) as a Dubbo registry: the first server
   * as address, the others as backups.
   */
  static RegistryConfig registry(String zookeeper) {
    RegistryConfig registry;
    if (zookeeper.isBlank()) {
      registry = new RegistryConfig(RegistryConfig.NO_AVAILABLE);
    } else {
      List<String> servers =
          Arrays.stream(zookeeper.split(",")).map(String::strip).filter(h -> !h.isEmpty()).toList();
      String address = "zookeeper://" + servers.get(0);
      if (servers.size() > 1) {
        address += "?backup=" + String.join(",", servers.subList(1, servers.size()));
      }
      registry = new RegistryConfig(address);
    }
    // The registry only: no configuration center, no metadata report.
    registry.setUseAsConfigCenter(false);
    registry.setUseAsMetadataCenter(false);
    return registry;
  }

  public int port() {
    return config.port();
  }

  public int triPort() {
    return config.triPort();
  }

  /**
   * Unregisters and unexports the services (calls in flight finish within Dubbo's shutdown wait),
   * then releases the ports. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    framework.destroy();
    log.info("Query and command services stopped");
  }
}
