// Loads Axon's status page in headless Chromium (Debian's chromium, driven by playwright-core) against a running
// gateway and checks what an operator relies on: it loads with no console error and fetches nothing from anywhere
// but the gateway; without a token it asks for one and shows no data; with the status token it shows the pools and
// the traffic; the numbers change after requests; a token given in the URL fragment is taken and wiped from the
// address bar.
//
//   AXON_TEST_URL=http://127.0.0.1:3000 AXON_TEST_KEY=sk-... AXON_STATUS_TOKEN=... node status-page.mjs
//   CHROMIUM=/usr/bin/chromium (default)
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const base = (process.env.AXON_TEST_URL || "http://127.0.0.1:3000").replace(/\/$/, "");
const key = process.env.AXON_TEST_KEY;
const token = process.env.AXON_STATUS_TOKEN;
const model = process.env.AXON_TEST_MODEL || "gpt-4o";
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
if (!key || !token) {
  console.error("AXON_TEST_KEY and AXON_STATUS_TOKEN are required");
  process.exit(2);
}

let failures = 0;
function check(condition, what) {
  if (condition) {
    console.log(`  ok   ${what}`);
  } else {
    failures++;
    console.log(`  FAIL ${what}`);
  }
}

const consoleErrors = [];
const foreignRequests = [];
const profile = mkdtempSync(join(tmpdir(), "axon-status-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});

async function number(page, id) {
  const text = (await page.textContent(`#${id}`)) || "";
  const value = Number(text.replace(/[^0-9.\-]/g, ""));
  return Number.isFinite(value) && text.trim() !== "–" ? value : NaN;
}

async function chat(text) {
  const response = await fetch(`${base}/v1/chat/completions`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: text }] }),
  });
  await response.arrayBuffer();
  return response.status;
}

async function waitFor(what, predicate, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  console.log(`  (timed out waiting for ${what})`);
  return false;
}

try {
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") {
      consoleErrors.push(message.text());
    }
  });
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(base + "/") && !url.startsWith("data:")) {
      foreignRequests.push(url);
    }
  });

  console.log(`status page at ${base}/status`);
  const response = await page.goto(`${base}/status`, { waitUntil: "load" });
  check(response && response.status() === 200, "the page is served (200)");
  check(((response && response.headers()["content-security-policy"]) || "").includes("default-src 'none'"),
    "with a strict Content-Security-Policy");
  check(await waitFor("readiness", async () => (await page.textContent("#readiness")) === "ready"),
    "readiness shows without a token (from /health)");
  check(await page.isVisible("#token-form"), "without a token it asks for one");
  check((await page.textContent("#requests")) === "–", "and shows no traffic data");

  await page.fill("#token", token);
  await page.click("#token-form button[type=submit]");
  check(await waitFor("the first refresh", async () => (await page.getAttribute("body", "data-refreshed")) !== null),
    "with the status token the data loads");
  check(!(await page.isVisible("#token-form")), "the token form goes away");
  const poolRows = await page.$$eval("#pools tr", (rows) => rows.map((r) => r.textContent));
  check(poolRows.some((row) => row.includes("claude-")), `the pools table shows a model (${poolRows.length} row(s))`);
  const apiRows = await page.$$eval("#api-nodes tr", (rows) => rows.map((r) => r.textContent));
  check(apiRows.some((row) => row.includes("serving")), "the API nodes table shows this node serving");

  const before = {
    requests: await number(page, "requests"),
    acquires: await number(page, "acquires"),
    conversations: await number(page, "conversations"),
    rate: await number(page, "rate"),
  };
  console.log(`  before: ${JSON.stringify(before)}`);
  let served = 0;
  for (let i = 0; i < 6; i++) {
    served += (await chat(`status page test ${i}`)) === 200 ? 1 : 0;
  }
  check(served === 6, `six requests served (${served})`);
  const changed = await waitFor("the numbers to change", async () =>
    (await number(page, "requests")) >= (before.requests || 0) + 6 && (await number(page, "acquires")) >= (before.acquires || 0) + 6);
  const after = {
    requests: await number(page, "requests"),
    acquires: await number(page, "acquires"),
    conversations: await number(page, "conversations"),
    rate: await number(page, "rate"),
  };
  console.log(`  after:  ${JSON.stringify(after)}`);
  check(changed, "requests and turns served went up after the requests");
  check(after.conversations >= (before.conversations || 0) + 6, "the conversation count went up");
  check(after.rate > (before.rate || 0), "the request rate went up");
  check(!Number.isNaN(await number(page, "inflight")), "in-flight shows a number");
  const latency = (await page.textContent("#latency")) || "";
  check(/\d/.test(latency), `latency shows numbers (${latency})`);

  // A token in the URL fragment (which never reaches a server) is taken and wiped from the address bar.
  const second = await context.newPage();
  second.on("console", (message) => message.type() === "error" && consoleErrors.push(message.text()));
  second.on("pageerror", (error) => consoleErrors.push(String(error)));
  await second.goto(`${base}/status#token=${encodeURIComponent(token)}`, { waitUntil: "load" });
  check(await waitFor("the fragment token to work", async () => (await second.getAttribute("body", "data-refreshed")) !== null),
    "a #token= fragment works");
  check(!second.url().includes("token="), `and is wiped from the address bar (${second.url()})`);

  check(consoleErrors.length === 0, `no console errors${consoleErrors.length ? ": " + consoleErrors.join(" | ") : ""}`);
  check(foreignRequests.length === 0, `nothing fetched from elsewhere${foreignRequests.length ? ": " + foreignRequests.join(", ") : ""}`);
} catch (error) {
  failures++;
  console.log(`  FAIL ${error && error.stack ? error.stack : error}`);
} finally {
  await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}

if (failures > 0) {
  console.log(`status page test: ${failures} check(s) failed`);
  process.exit(1);
}
console.log("status page test: all checks passed");
