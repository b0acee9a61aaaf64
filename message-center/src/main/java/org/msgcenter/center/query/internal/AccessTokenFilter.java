package org.msgcenter.center.query.internal;

import java.util.Map;
import org.apache.dubbo.common.constants.CommonConstants;
import org.apache.dubbo.common.extension.Activate;
import org.apache.dubbo.rpc.AsyncRpcResult;
import org.apache.dubbo.rpc.Filter;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.Result;
import org.apache.dubbo.rpc.RpcContext;
import org.apache.dubbo.rpc.RpcException;
import org.apache.dubbo.rpc.model.ApplicationModel;
import org.apache.dubbo.rpc.model.ScopeModelAware;
import org.msgcenter.api.AccessDeniedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses every call to the center's services whose {@code token} attachment (the {@code token}
 * header over Triple) does not match the configured {@link AccessToken}. Active on every provider
 * of the center's Dubbo application (registered in {@code
 * META-INF/dubbo/org.apache.dubbo.rpc.Filter}, activated for the provider group), before any other
 * filter; only Dubbo's own internal services (metadata, health) pass without it. Without an {@link
 * AccessToken} bean every call is refused.
 *
 * <p>Dubbo's own {@code token} setting is no access control: it is a parameter of the provider's
 * URL, which the registry publishes to anyone who can read it.
 */
@Activate(group = CommonConstants.PROVIDER, order = -100_000)
public final class AccessTokenFilter implements Filter, ScopeModelAware {
  private static final Logger log = LoggerFactory.getLogger(AccessTokenFilter.class);

  /** The attachment, and the HTTP header over Triple, that carries the token. */
  public static final String ATTACHMENT = "token";

  private volatile ApplicationModel application;

  @Override
  public void setApplicationModel(ApplicationModel applicationModel) {
    this.application = applicationModel;
  }

  @Override
  public Result invoke(Invoker<?> invoker, Invocation invocation) throws RpcException {
    if (invoker.getInterface().getName().startsWith("org.apache.dubbo.")) {
      return invoker.invoke(invocation);
    }
    ApplicationModel app = application;
    AccessToken expected = app == null ? null : app.getBeanFactory().getBean(AccessToken.class);
    String given = token(invocation);
    if (expected == null || !expected.matches(given)) {
      String reason = given == null ? "missing" : "wrong";
      log.warn(
          "Refused {}.{} from {}: {} access token",
          invoker.getInterface().getSimpleName(),
          invocation.getMethodName(),
          RpcContext.getServiceContext().getRemoteAddressString(),
          reason);
      return AsyncRpcResult.newDefaultAsyncResult(
          new AccessDeniedException(
              reason
                  + " access token: send the center's dubbo.accessToken as the token attachment"
                  + " (the token header over HTTP)"),
          invocation);
    }
    return invoker.invoke(invocation);
  }

  private static String token(Invocation invocation) {
    Object value = invocation.getObjectAttachment(ATTACHMENT);
    if (value == null) {
      // HTTP/1.1 header names keep the client's case.
      for (Map.Entry<String, Object> e : invocation.getObjectAttachments().entrySet()) {
        if (ATTACHMENT.equalsIgnoreCase(e.getKey())) {
          value = e.getValue();
          break;
        }
      }
    }
    return value == null ? null : value.toString();
  }
}
