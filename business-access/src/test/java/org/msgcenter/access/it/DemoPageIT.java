package org.msgcenter.access.it;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The demo page in a real browser (headless Chromium) against a real stack: sign in, make a
 * transfer, see it arrive in the payee's inbox, open its delivery timeline. CI installs chromium
 * and chromium-driver; where they are missing the test is skipped, saying so.
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

  @BeforeAll
  void start(EmbeddedKafka kafka, EmbeddedMariaDb mariaDb, TestDatabase db, @TempDir Path dir) {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM),
        "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
    stack = new Stack(kafka, mariaDb, db, dir).startCenter();
    base = "http://127.0.0.1:" + stack.startAccess().port();
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
    browser.get(base + "/");
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

    browser.findElement(By.id("sign-out")).click();
    signIn("bob", "bob-demo-pass");
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
    assertThat(timeline.getText()).contains("u-1002").contains("SENT");
  }
}
