package org.msgcenter.center.query.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Type;
import java.util.List;
import org.apache.dubbo.common.extension.Activate;
import org.apache.dubbo.common.json.impl.AbstractJsonUtilImpl;
import org.msgcenter.api.ViewJson;

/**
 * Triple's HTTP/JSON reads arguments and writes answers with {@link ViewJson#MAPPER}, the mapper
 * every HTTP API of the project uses for the views, so that one shape holds everywhere. Registered
 * in {@code META-INF/dubbo/org.apache.dubbo.common.json.JsonUtil} and activated ahead of Dubbo's
 * own (fastjson2, Jackson...): Triple takes the first active one for HTTP. Setting {@code
 * dubbo.protocol.triple.rest.json-framework} would not do, as Triple reads it when its framework is
 * created, before an application can set it. Dubbo's internal JSON ({@code JsonUtils}) does not use
 * these extensions and stays as it is.
 */
@Activate(order = -10_000)
public final class ViewJsonUtil extends AbstractJsonUtilImpl {
  /** The extension name. */
  public static final String NAME = "msgcenter-views";

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public boolean isSupport() {
    return true;
  }

  @Override
  public boolean isJson(String json) {
    try {
      JsonNode node = ViewJson.MAPPER.readTree(json);
      return node.isObject() || node.isArray();
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  @Override
  public <T> T toJavaObject(String json, Type type) {
    try {
      return ViewJson.MAPPER.readValue(json, ViewJson.MAPPER.constructType(type));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage(), e);
    }
  }

  @Override
  public <T> List<T> toJavaList(String json, Class<T> type) {
    try {
      return ViewJson.MAPPER.readValue(
          json, ViewJson.MAPPER.getTypeFactory().constructCollectionType(List.class, type));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage(), e);
    }
  }

  @Override
  public String toJson(Object value) {
    return ViewJson.write(value);
  }

  @Override
  public String toPrettyJson(Object value) {
    try {
      return ViewJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage(), e);
    }
  }

  @Override
  public Object convertObject(Object value, Type type) {
    return ViewJson.MAPPER.convertValue(value, ViewJson.MAPPER.constructType(type));
  }

  @Override
  public Object convertObject(Object value, Class<?> type) {
    return ViewJson.MAPPER.convertValue(value, type);
  }
}
