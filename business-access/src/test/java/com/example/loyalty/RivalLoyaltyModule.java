package com.example.loyalty;

import java.util.List;
import org.msgcenter.access.module.BusinessModule;
import org.msgcenter.access.module.ModuleContext;
import org.msgcenter.access.module.Operation;

/** A second module that claims the name "loyalty": the access server must refuse to start. */
public final class RivalLoyaltyModule implements BusinessModule {
  @Override
  public String name() {
    return "loyalty";
  }

  @Override
  public List<Operation> start(ModuleContext context) {
    return List.of();
  }
}
