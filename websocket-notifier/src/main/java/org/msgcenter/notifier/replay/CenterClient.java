package org.msgcenter.notifier.replay;

import java.util.List;
import java.util.Map;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.RpcContext;
import org.apache.dubbo.rpc.model.FrameworkModel;
import org.msgcenter.api.InboxQuery;
import org.msgcenter.api.MessageCommandService;
import org.msgcenter.api.MessagePage;
import org.msgcenter.api.MessageQueryService;
import org.msgcenter.api.MessageView;
import org.msgcenter.notifier.config.NotifierConfig;

/**
 * The center's query and command services as a Dubbo consumer: providers found in the ZooKeeper
 * registry (interface-level, as the center registers), every call carrying the access token as the
 * {@code token} attachment. One Dubbo framework of its own, so it shares no static state with any
 * other Dubbo in the JVM. Starts even while no center is registered; calls then fail until one is.
 */
public final class CenterClient implements AutoCloseable {
  /** The Dubbo application name the notifier consumes with. */
  public static final String APPLICATION = "msgcenter-notifier";

  private final FrameworkModel framework = new FrameworkModel();
  private final MessageQueryService queries;
  private final MessageCommandService commands;
  private final String token;
  private boolean closed;

  public CenterClient(NotifierConfig.Center config, String instanceId) {
    this.token = config.accessToken();
    try {
      DubboBootstrap bootstrap = DubboBootstrap.newInstance(framework);
      ApplicationConfig app = new ApplicationConfig(APPLICATION);
      app.setQosEnable(false);
      app.setParameters(Map.of("instance", instanceId));
      RegistryConfig registry = new RegistryConfig(registryAddress(config.zookeeper()));
      registry.setUseAsConfigCenter(false);
      registry.setUseAsMetadataCenter(false);
      int timeout = Math.toIntExact(config.timeout().toMillis());
      ReferenceConfig<MessageQueryService> q = reference(MessageQueryService.class, timeout);
      ReferenceConfig<MessageCommandService> c = reference(MessageCommandService.class, timeout);
      bootstrap.application(app).registry(registry).reference(q).reference(c).start();
      this.queries = q.get();
      this.commands = c.get();
    } catch (RuntimeException e) {
      framework.destroy();
      throw e;
    }
  }

  private static <T> ReferenceConfig<T> reference(Class<T> type, int timeoutMillis) {
    ReferenceConfig<T> r = new ReferenceConfig<>();
    r.setInterface(type);
    r.setProtocol("dubbo");
    r.setTimeout(timeoutMillis);
    // The notifier may start before the center; calls fail until a provider is registered.
    r.setCheck(false);
    // The center registers interface-level only.
    r.setParameters(Map.of("migration.step", "FORCE_INTERFACE"));
    return r;
  }

  /** {@code host:port,host:port} as a Dubbo ZooKeeper registry address. */
  static String registryAddress(String zookeeper) {
    List<String> servers =
        java.util.Arrays.stream(zookeeper.split(","))
            .map(String::strip)
            .filter(h -> !h.isEmpty())
            .toList();
    String address = "zookeeper://" + servers.get(0);
    if (servers.size() > 1) {
      address += "?backup=" + String.join(",", servers.subList(1, servers.size()));
    }
    return address;
  }

  /** {@link MessageQueryService#inbox}, with the access token. */
  public MessagePage inbox(String userId, InboxQuery query) {
    RpcContext.getClientAttachment().setAttachment("token", token);
    return queries.inbox(userId, query);
  }

  /** {@link MessageQueryService#getMessage}, with the access token. */
  public MessageView message(String messageId) {
    RpcContext.getClientAttachment().setAttachment("token", token);
    return queries.getMessage(messageId);
  }

  /** {@link MessageCommandService#markRead}, with the access token. */
  public int markRead(String userId, List<String> messageIds) {
    RpcContext.getClientAttachment().setAttachment("token", token);
    return commands.markRead(userId, messageIds);
  }

  /** Idempotent. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      framework.destroy();
    }
  }
}
