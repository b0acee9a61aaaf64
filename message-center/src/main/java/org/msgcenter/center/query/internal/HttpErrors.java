package org.msgcenter.center.query.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.dubbo.common.extension.Activate;
import org.apache.dubbo.common.logger.Level;
import org.apache.dubbo.remoting.http12.ExceptionHandler;
import org.apache.dubbo.remoting.http12.HttpResult;
import org.apache.dubbo.remoting.http12.RequestMetadata;
import org.apache.dubbo.rpc.model.MethodDescriptor;
import org.msgcenter.api.AccessDeniedException;
import org.msgcenter.api.InvalidRequestException;
import org.msgcenter.api.MessageCenterException;
import org.msgcenter.api.MessageNotFoundException;

/**
 * The contract's exceptions as HTTP answers of Triple's HTTP/JSON: a status code and a JSON body
 * {@code {"status", "code", "message", "field"}} ({@code field} names the argument of an invalid
 * request, else null). Registered in {@code META-INF/dubbo}; Dubbo consumers (gRPC or dubbo) get
 * the exception itself instead.
 *
 * <table>
 *   <caption>Status codes</caption>
 *   <tr><th>exception</th><th>status</th><th>code</th></tr>
 *   <tr><td>InvalidRequestException</td><td>400</td><td>INVALID_REQUEST</td></tr>
 *   <tr><td>AccessDeniedException</td><td>401</td><td>ACCESS_DENIED</td></tr>
 *   <tr><td>MessageNotFoundException</td><td>404</td><td>MESSAGE_NOT_FOUND</td></tr>
 *   <tr><td>any other MessageCenterException</td><td>500</td><td>INTERNAL</td></tr>
 * </table>
 */
@Activate
public final class HttpErrors implements ExceptionHandler<MessageCenterException, Object> {

  @Override
  public Level resolveLogLevel(MessageCenterException e) {
    // The caller's mistake, or logged already where it happened.
    return Level.DEBUG;
  }

  @Override
  public Object handle(
      MessageCenterException e, RequestMetadata metadata, MethodDescriptor descriptor) {
    int status;
    String code;
    String field = null;
    if (e instanceof InvalidRequestException invalid) {
      status = 400;
      code = "INVALID_REQUEST";
      field = invalid.getField();
    } else if (e instanceof AccessDeniedException) {
      status = 401;
      code = "ACCESS_DENIED";
    } else if (e instanceof MessageNotFoundException) {
      status = 404;
      code = "MESSAGE_NOT_FOUND";
    } else {
      status = 500;
      code = "INTERNAL";
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", status);
    body.put("code", code);
    body.put("message", e.getMessage());
    body.put("field", field);
    return HttpResult.of(status, body);
  }
}
