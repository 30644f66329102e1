package io.mezzo.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;
import java.util.logging.Level;

/**
 * A headless Chromium driven by Selenium, for the web UI's tests: against an in-process fake
 * backend, or against a real cluster's master. It uses the machine's Chromium and chromedriver
 * (Debian's {@code chromium} and {@code chromium-driver}, or the paths in the system properties
 * {@code mezzo.chromium} and {@code mezzo.chromedriver}) and never lets Selenium download a
 * driver. Without them a test is skipped locally and fails in CI (see {@link Requires}).
 *
 * <p>Needs {@code org.seleniumhq.selenium:selenium-java} on the test classpath (an optional
 * dependency of this module).
 */
public final class Browser implements AutoCloseable {
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(15);

  private final WebDriver driver;
  private final Path screenshots;
  private final Duration wait;

  private Browser(WebDriver driver, Path screenshots, Duration wait) {
    this.driver = driver;
    this.screenshots = screenshots;
    this.wait = wait;
  }

  /**
   * Starts a headless Chromium (1400×1000), or skips/fails the test when the machine has none.
   *
   * @param screenshots where {@link #screenshot} writes its PNGs
   */
  public static Browser start(Path screenshots) {
    Path chromium = Path.of(System.getProperty("mezzo.chromium", "/usr/bin/chromium"));
    Path chromedriver = Path.of(System.getProperty("mezzo.chromedriver", "/usr/bin/chromedriver"));
    Requires.that(Files.isExecutable(chromium) && Files.isExecutable(chromedriver),
        () -> "Chromium and chromedriver at " + chromium + " and " + chromedriver
            + " (apt-get install chromium chromium-driver)");
    // An explicit driver and binary: Selenium Manager (which downloads drivers) is never asked.
    System.setProperty("webdriver.chrome.driver", chromedriver.toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-dev-shm-usage", "--window-size=1400,1000");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
    return new Browser(new ChromeDriver(service, options), screenshots, DEFAULT_WAIT);
  }

  public WebDriver driver() {
    return driver;
  }

  /** Loads a URL (a full page load, as a typed address or a reload). */
  public Browser open(String url) {
    driver.get(url);
    return this;
  }

  public Browser reload() {
    driver.navigate().refresh();
    return this;
  }

  /** Waits until an element matching {@code css} is displayed; returns it. */
  public WebElement waitFor(String css) {
    return waitFor(css, "");
  }

  /** Waits until an element matching {@code css} contains {@code text} (visible text); returns it. */
  public WebElement waitFor(String css, String text) {
    return until("an element '" + css + "' containing '" + text + "'", () -> {
      for (WebElement element : driver.findElements(By.cssSelector(css))) {
        if (element.isDisplayed() && element.getText().contains(text)) {
          return element;
        }
      }
      return null;
    });
  }

  /** Waits until no element matching {@code css} contains {@code text}. */
  public void waitForNo(String css, String text) {
    until("no element '" + css + "' containing '" + text + "'", () -> texts(css).stream()
        .noneMatch(t -> t.contains(text)) ? Boolean.TRUE : null);
  }

  /** The visible texts of the elements matching {@code css} now. */
  public List<String> texts(String css) {
    for (int attempt = 0; ; attempt++) {
      try {
        return driver.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
      } catch (StaleElementReferenceException e) {
        // The page re-rendered between finding and reading; read again.
        if (attempt > 20) {
          throw e;
        }
      }
    }
  }

  public WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  /** Runs JavaScript in the page and returns its result. */
  public Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  /** Saves what the window shows as {@code <screenshots>/<name>.png}; returns the file. */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(screenshots);
      Path file = screenshots.resolve(name + ".png");
      Files.write(file, ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private <T> T until(String what, java.util.function.Supplier<T> probe) {
    return new WebDriverWait(driver, wait).withMessage(() -> "Waited " + wait.toSeconds() + "s for " + what
            + " at " + driver.getCurrentUrl() + consoleLog())
        .ignoring(StaleElementReferenceException.class).ignoring(NoSuchElementException.class)
        .until(d -> probe.get());
  }

  /** The page's console messages since the last call, for a failure's message. */
  public String consoleLog() {
    try {
      StringBuilder out = new StringBuilder();
      for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
        out.append("\n  console ").append(entry.getLevel()).append(": ").append(entry.getMessage());
      }
      return out.toString();
    } catch (RuntimeException e) {
      return "\n  (no console log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
