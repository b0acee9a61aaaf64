package org.msgcenter.access.inbox;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.RpcContext;
import org.apache.dubbo.rpc.RpcException;
import org.apache.dubbo.rpc.model.FrameworkModel;
import org.msgcenter.access.config.AccessConfig;
import org.msgcenter.access.http.ApiException;
import org.msgcenter.api.AccessDeniedException;
import org.msgcenter.api.InboxQuery;
import org.msgcenter.api.InvalidRequestException;
import org.msgcenter.api.MessageCommandService;
import org.msgcenter.api.MessageNotFoundException;
import org.msgcenter.api.MessagePage;
import org.msgcenter.api.MessageQueryService;
import org.msgcenter.api.MessageView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message center's query and command services, as a Dubbo consumer that finds the providers in
 * ZooKeeper, with the access token as the {@code token} attachment on every call. The center's
 * answers become HTTP errors here: unknown id 404, bad argument 400 naming it, center away 503.
 */
public final class CenterClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CenterClient.class);

  private final FrameworkModel framework = new FrameworkModel();
  private final MessageQueryService queries;
  private final MessageCommandService commands;
  private final String accessToken;

  public CenterClient(AccessConfig.Center config) {
    this.accessToken = config.accessToken();
    DubboBootstrap bootstrap = DubboBootstrap.newInstance(framework);
    ApplicationConfig app = new ApplicationConfig("msgcenter-business-access");
    app.setQosEnable(false);
    RegistryConfig registry = new RegistryConfig("zookeeper://" + config.zookeeper());
    registry.setUseAsConfigCenter(false);
    registry.setUseAsMetadataCenter(false);
    ReferenceConfig<MessageQueryService> q = reference(MessageQueryService.class, config);
    ReferenceConfig<MessageCommandService> c = reference(MessageCommandService.class, config);
    bootstrap.application(app).registry(registry).reference(q).reference(c).start();
    this.queries = q.get();
    this.commands = c.get();
    log.info("Message center client started: {}", config);
  }

  private static <T> ReferenceConfig<T> reference(Class<T> type, AccessConfig.Center config) {
    ReferenceConfig<T> r = new ReferenceConfig<>();
    r.setInterface(type);
    r.setProtocol(config.protocol());
    r.setTimeout((int) config.timeout().toMillis());
    // The access server may start before the center: calls answer 503 until it is there.
    r.setCheck(false);
    r.setRetries(0);
    // The center registers interface-level URLs only.
    r.setParameters(Map.of("migration.step", "FORCE_INTERFACE"));
    return r;
  }

  public MessageView getMessage(String messageId) {
    return call(() -> queries.getMessage(messageId));
  }

  public MessagePage inbox(String userId, InboxQuery query) {
    return call(() -> queries.inbox(userId, query));
  }

  public long unreadCount(String userId) {
    return call(() -> queries.unreadCount(userId));
  }

  public int markRead(String userId, List<String> messageIds) {
    return call(() -> commands.markRead(userId, messageIds));
  }

  private <T> T call(Supplier<T> call) {
    RpcContext.getClientAttachment().setAttachment("token", accessToken);
    try {
      return call.get();
    } catch (MessageNotFoundException e) {
      throw ApiException.notFound("id", "names no message of yours");
    } catch (InvalidRequestException e) {
      throw ApiException.badRequest(e.getField(), ruleOf(e));
    } catch (AccessDeniedException e) {
      log.error("The message center refused this server's access token (center.accessToken)", e);
      throw ApiException.unavailable("the message center refused this server's credentials");
    } catch (RpcException e) {
      log.warn("Message center call failed: {}", e.getMessage());
      throw ApiException.unavailable("the message center is not reachable; try again");
    }
  }

  /** The rule part of the center's message ("limit must be ..." gives "must be ..."). */
  private static String ruleOf(InvalidRequestException e) {
    String m = String.valueOf(e.getMessage());
    String field = e.getField();
    return field != null && m.startsWith(field + " ") ? m.substring(field.length() + 1) : m;
  }

  @Override
  public void close() {
    framework.destroy();
  }
}
