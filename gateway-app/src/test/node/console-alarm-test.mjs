// Drives the web console of a gateway that has a console login, in Debian's chromium (headless), and acts on an
// alarm as an operator: logs in (HTTP basic auth, the credentials the browser's login prompt would send), then
// either clicks Acknowledge on the active, unacknowledged alarm and waits to see it acknowledged by that user, or
// clicks Shelve 1 h on it and waits to see it shelved by that user.
// Usage: node console-alarm-test.mjs URL USER PASSWORD ALARM-ID acknowledge|shelve [SCREENSHOT.png]
import { launchChromium, step, waitFor } from "./chromium.mjs";

const [url, user, password, alarmId, action, screenshot] = process.argv.slice(2);
const browser = await launchChromium();

try {
  const context = await browser.newContext({ httpCredentials: { username: user, password: password } });
  const page = await context.newPage();
  await page.goto(url);
  step("loaded " + await page.title() + " as " + user);

  const row = page.locator(`#alarms tr[data-alarm="${alarmId}"]`);
  const state = () => row.locator("td .badge").textContent();
  const by = async () => (await row.locator("td").nth(6).textContent()).trim();
  const point = alarmId.replace(/\/[^/]+$/, ""), name = alarmId.replace(/^.*\//, "");
  const shown = async () => (await row.textContent()).replace(/\s+/g, " ").trim();

  if (action === "acknowledge") {
    await waitFor("the alarm " + alarmId + " active and unacknowledged", async () =>
      (await row.count()) === 1 && (await state()) === "unacknowledged" && (await row.textContent()).includes("active"), 60000);
    step("alarm listed: " + await shown());
    await row.locator('button[data-action="acknowledge"]').click();
    await waitFor("the console to report the acknowledgement done", async () =>
      (await page.locator("#alarm-result").textContent()) === "acknowledge " + point + "/" + name + ": done", 10000);
    await waitFor("the alarm shown acknowledged by " + user, async () =>
      (await state()) === "acknowledged" && (await by()) === user, 10000);
    if ((await row.locator('button[data-action="acknowledge"]').count()) !== 0) {
      throw new Error("an acknowledged alarm still offers Acknowledge");
    }
    step("acknowledged: " + await shown());
  } else if (action === "shelve") {
    await waitFor("the alarm " + alarmId + " listed", async () => (await row.count()) === 1, 60000);
    step("alarm listed: " + await shown());
    await row.locator('button[data-action="shelve"]').click();
    await waitFor("the alarm shown shelved by " + user, async () =>
      (await state()) === "shelved" && (await by()).startsWith("shelved by " + user + " until "), 10000);
    step("shelved: " + await shown());
  } else {
    throw new Error("unknown action " + action);
  }
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  console.log("OK");
} catch (e) {
  console.log("FAILED " + e.message);
  process.exitCode = 1;
} finally {
  await browser.close();
}
