package org.msgcenter.testkit;

import java.lang.reflect.Parameter;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ExtensionContext.Store;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that hands tests real infrastructure: declare a constructor, test method or
 * lifecycle method parameter of type {@link EmbeddedZooKeeper}, {@link EmbeddedKafka}, {@link
 * EmbeddedMariaDb} or {@link TestDatabase}.
 *
 * <pre>{@code
 * @ExtendWith(EmbeddedInfrastructure.class)
 * class DeliveryStoreTest {
 *   @Test
 *   void stores_a_delivery(TestDatabase database, EmbeddedKafka kafka) { ... }
 * }
 * }</pre>
 *
 * <p>Each server is started, with the defaults of its class, on the first request for it, then
 * shared by every test in the JVM and closed at the end of the run. Tests therefore must not stop,
 * restart or reconfigure a server they were given, and should name their own topics (or create them
 * with unique names): a test that stops or restarts a server constructs its own instance instead of
 * the shared one.
 *
 * <p>A {@link TestDatabase} is a fresh database on the shared MariaDB for each test class (each
 * {@code @Nested} class gets its own), created on the first request in that class and dropped with
 * its user after the class. Tests of the class share it, so they clean up after themselves or
 * assert only on rows they wrote.
 */
public final class EmbeddedInfrastructure implements ParameterResolver {

  private static final Namespace NAMESPACE = Namespace.create(EmbeddedInfrastructure.class);
  private static final Set<Class<?>> SUPPORTED =
      Set.of(
          EmbeddedZooKeeper.class, EmbeddedKafka.class, EmbeddedMariaDb.class, TestDatabase.class);
  private static final int MAX_NAME_LENGTH = 64;

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return SUPPORTED.contains(parameter.getParameter().getType());
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Parameter declared = parameter.getParameter();
    Class<?> type = declared.getType();
    try {
      if (type == EmbeddedZooKeeper.class) {
        return shared(
            context,
            EmbeddedZooKeeper.class,
            () -> started(new EmbeddedZooKeeper(), EmbeddedZooKeeper::start));
      }
      if (type == EmbeddedKafka.class) {
        return shared(
            context, EmbeddedKafka.class, () -> started(new EmbeddedKafka(), EmbeddedKafka::start));
      }
      if (type == EmbeddedMariaDb.class) {
        return mariaDb(context);
      }
      if (type == TestDatabase.class) {
        return testDatabase(context);
      }
    } catch (RuntimeException e) {
      throw new ParameterResolutionException("Could not provide " + declared, e);
    }
    throw new ParameterResolutionException("Unsupported parameter " + declared);
  }

  private static EmbeddedMariaDb mariaDb(ExtensionContext context) {
    return shared(
        context,
        EmbeddedMariaDb.class,
        () -> started(new EmbeddedMariaDb(), EmbeddedMariaDb::start));
  }

  /** Starts a server, closing it (which deletes its temporary data) if it does not start. */
  private static <T extends AutoCloseable> T started(T server, Consumer<T> start) {
    try {
      start.accept(server);
      return server;
    } catch (RuntimeException e) {
      try {
        server.close();
      } catch (Exception closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  private static <T extends AutoCloseable> T shared(
      ExtensionContext context, Class<T> type, Supplier<T> starter) {
    // JUnit closes AutoCloseable values of the root store when the whole run ends.
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(type, t -> starter.get(), type);
  }

  private static TestDatabase testDatabase(ExtensionContext context) {
    ExtensionContext classContext = classContext(context);
    Store store = classContext.getStore(NAMESPACE);
    return store
        .getOrComputeIfAbsent(
            OwnedDatabase.class,
            key -> OwnedDatabase.create(mariaDb(context), databaseName(context, classContext)),
            OwnedDatabase.class)
        .database();
  }

  /** The nearest enclosing context that belongs to a class rather than a method. */
  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext current = context;
    while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
      current = current.getParent().get();
    }
    return current;
  }

  private static String databaseName(ExtensionContext context, ExtensionContext classContext) {
    AtomicInteger counter =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(
                "database-counter", k -> new AtomicInteger(), AtomicInteger.class);
    String suffix = "_" + counter.incrementAndGet();
    String simpleName =
        classContext
            .getTestClass()
            .map(Class::getSimpleName)
            .orElse("tests")
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9_]", "_");
    String prefix = "t_" + simpleName;
    int room = MAX_NAME_LENGTH - suffix.length();
    return (prefix.length() > room ? prefix.substring(0, room) : prefix) + suffix;
  }

  /** A test class's database; closing it (after the class) drops the database and its user. */
  private record OwnedDatabase(EmbeddedMariaDb server, TestDatabase database)
      implements AutoCloseable {

    static OwnedDatabase create(EmbeddedMariaDb server, String name) {
      String password = UUID.randomUUID().toString();
      server.createDatabase(name);
      server.createUser(name, password, name);
      return new OwnedDatabase(
          server, new TestDatabase(name, server.jdbcUrl(name), name, password));
    }

    @Override
    public void close() {
      if (server.isRunning()) {
        server.dropDatabase(database.name());
        server.dropUser(database.user());
      }
    }
  }
}
