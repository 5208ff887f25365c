// What the console scripts share: Debian's chromium, headless, without the background traffic a fresh profile
// starts; a step log line the Java test shows; and a wait on a condition with a deadline.
import { chromium } from "playwright-core";

export function launchChromium() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
  });
}

export function step(text) { console.log("STEP " + text); }

export async function waitFor(what, fn, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e.message; }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error("timed out waiting for " + what + " (last: " + last + ")");
}
