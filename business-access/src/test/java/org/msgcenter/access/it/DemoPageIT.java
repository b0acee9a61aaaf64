package org.msgcenter.access.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.EmbeddedMariaDb;
import org.msgcenter.testkit.TestDatabase;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo page in a real browser (headless Chromium) against a real stack, the websocket-notifier
 * included: sign in, make a transfer, see the notification arrive live and acked, see it in the
 * payee's inbox and its delivery timeline, leave the page, and on return see what came meanwhile
 * replayed. CI installs chromium and chromium-driver; where they are missing the test is skipped,
 * saying so.
 */
@ExtendWith(EmbeddedInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoPageIT {
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  private Stack stack;
  private WebDriver browser;
  private WebDriverWait wait;
  private String base;
  private String notifier;

  @BeforeAll
  void start(EmbeddedKafka kafka, EmbeddedMariaDb mariaDb, TestDatabase db, @TempDir Path dir) {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM),
        "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
    stack = new Stack(kafka, mariaDb, db, dir).startCenter();
    base = "http://127.0.0.1:" + stack.startAccess().port();
    notifier = "http://127.0.0.1:" + stack.startNotifier(base);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage");
    browser =
        new ChromeDriver(
            new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build(),
            options);
    wait = new WebDriverWait(browser, Duration.ofSeconds(40));
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (stack != null) {
      stack.close();
    }
  }

  private void signIn(String username, String password) {
    browser.get(base + "/?notifier=" + notifier);
    WebElement form = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in")));
    form.findElement(By.name("username")).sendKeys(username);
    form.findElement(By.name("password")).sendKeys(password);
    form.findElement(By.cssSelector("button[type=submit]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("who")));
  }

  @Test
  void a_user_signs_in_makes_a_transfer_and_the_payee_sees_it_with_its_timeline() {
    signIn("alice", "alice-demo-pass");
    assertThat(browser.findElement(By.id("who-name")).getText()).contains("Alice");
    assertThat(browser.findElement(By.id("live")).isDisplayed()).isTrue();

    WebElement transfer = browser.findElement(By.id("transfer"));
    transfer.findElement(By.name("to")).sendKeys("bob");
    transfer.findElement(By.name("amount")).sendKeys("12.34");
    transfer.findElement(By.cssSelector("button[type=submit]")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("transfer-result"), "Sent 12.34 CNY to bob; balance 987.66 CNY."));

    // A rule broken shows the server's field and rule.
    transfer.findElement(By.name("to")).sendKeys("bob");
    transfer.findElement(By.name("amount")).sendKeys("99999");
    transfer.findElement(By.cssSelector("button[type=submit]")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("transfer-result"), "amount must not exceed your balance"));

    // The payer's own notification arrives live over Socket.IO, and the page acks it.
    liveItem("12.34");
    await()
        .atMost(Duration.ofSeconds(40))
        .until(
            () ->
                stack
                    .centerRows(
                        "SELECT COUNT(*) AS n FROM delivery d JOIN message m"
                            + " ON m.message_id = d.message_id WHERE m.user_id = 'u-1001'"
                            + " AND m.biz_type = 'payment.sent' AND d.channel = 'in-app'"
                            + " AND d.status = 'ACKED'")
                    .get(0)
                    .get("n")
                    .toString()
                    .equals("1"));

    browser.findElement(By.id("sign-out")).click();
    signIn("bob", "bob-demo-pass");
    // Bob was not connected when it was sent: his first connection replays what nobody acked.
    liveItem("You received 12.34 CNY from Alice.");
    // The inbox refreshes by itself until the notification is there.
    WebElement item =
        wait.until(
            d ->
                d.findElements(By.cssSelector("#inbox li")).stream()
                    .filter(li -> li.getText().contains("You received 12.34 CNY from Alice."))
                    .findFirst()
                    .orElse(null));
    item.findElement(By.xpath(".//button[text()='Timeline']")).click();

    WebElement timeline =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("timeline")));
    wait.until(ExpectedConditions.textToBePresentInElement(timeline, "in-app"));
    assertThat(timeline.getText()).contains("u-1002");

    // Bob leaves the page; a transfer reaches him meanwhile; on return it is replayed.
    browser.get("about:blank");
    Api api = stack.api();
    String alice = api.signIn("alice", "alice-demo-pass");
    Api.Response sent =
        api.post(
            "/api/payment/transfer", "{\"to\":\"bob\",\"amount\":\"1.00\"}", Api.bearer(alice));
    assertThat(sent.status()).as("transfer while bob is away: %s", sent).isEqualTo(201);
    browser.get(base + "/");
    liveItem("You received 1.00 CNY from Alice.");
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("live-status"), "replayed"));
  }

  /** Waits for a live notification containing {@code text}. */
  private WebElement liveItem(String text) {
    return wait.until(
        d ->
            d.findElements(By.cssSelector("#live-list li")).stream()
                .filter(li -> li.getText().contains(text))
                .findFirst()
                .orElse(null));
  }
}
