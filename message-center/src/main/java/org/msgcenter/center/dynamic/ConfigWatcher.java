package org.msgcenter.center.dynamic;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.msgcenter.center.config.CenterConfig;
import org.msgcenter.center.render.Renderer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches {@value DynamicConfig#PATH} and applies each valid version of it at once; an invalid one
 * is refused with a log line naming the problem, and the previous configuration stays. The node's
 * removal brings back the file's configuration.
 */
public final class ConfigWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);

  private final CuratorCache cache;
  private final CenterConfig base;
  private final Set<String> channels;
  private final Renderer renderer;
  private final Consumer<DynamicConfig.Applied> apply;
  private final MeterRegistry metrics;

  public ConfigWatcher(
      CuratorFramework client,
      CenterConfig base,
      Set<String> channels,
      Renderer renderer,
      Consumer<DynamicConfig.Applied> apply,
      MeterRegistry metrics) {
    this.base = base;
    this.channels = Set.copyOf(channels);
    this.renderer = renderer;
    this.apply = apply;
    this.metrics = metrics;
    this.cache =
        CuratorCache.build(client, DynamicConfig.PATH, CuratorCache.Options.SINGLE_NODE_CACHE);
  }

  /** Starts watching and applies the current document, if there is one, before returning. */
  public void start() throws InterruptedException {
    CountDownLatch initialized = new CountDownLatch(1);
    cache
        .listenable()
        .addListener(
            CuratorCacheListener.builder()
                .forCreatesAndChanges((old, node) -> changed(node))
                .forDeletes(old -> changed(null))
                .forInitialized(initialized::countDown)
                .build());
    cache.start();
    if (!initialized.await(15, TimeUnit.SECONDS)) {
      log.warn(
          "The dynamic configuration at {} was not read within 15 s; running on the file's until it is",
          DynamicConfig.PATH);
    }
  }

  private void changed(ChildData node) {
    String document =
        node == null || node.getData() == null
            ? null
            : new String(node.getData(), StandardCharsets.UTF_8);
    int version = node == null || node.getStat() == null ? -1 : node.getStat().getVersion();
    try {
      DynamicConfig.Applied applied = DynamicConfig.validate(document, base, channels, renderer);
      apply.accept(applied);
      metrics.counter("msgcenter.config.applied").increment();
      log.info(
          node == null
              ? "Dynamic configuration removed: back to the file's routes and channel policies"
              : "Applied dynamic configuration version {} from {}: {} routes, policies {}",
          version,
          DynamicConfig.PATH,
          applied.rules().all().size(),
          applied.policies().values());
    } catch (RuntimeException e) {
      metrics.counter("msgcenter.config.refused").increment();
      log.error(
          "Refused dynamic configuration version {} from {}: {}; the previous configuration stays",
          version,
          DynamicConfig.PATH,
          e.getMessage());
    }
  }

  @Override
  public void close() {
    cache.close();
  }
}
