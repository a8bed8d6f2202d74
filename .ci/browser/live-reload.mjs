// `tebiki serve`'s live reload, seen in Chromium (run by check.sh):
//   1. a law page opened from serve (under /handbook/) runs the reload script under the
//      site's CSP: no CSP violation, no console error
//   2. editing the law's title on disk reloads the page, which then shows the new title
//   3. a broken edit opens a <dialog> with the error text; the page stays as it was
//   4. fixing the file closes the dialog and reloads
//   5. serve stopped and started again on the same port: the page reconnects and reloads
// Works on a copy of the repository's content/ and themes/, never on them.
//
//   node live-reload.mjs TEBIKI_BINARY
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const binary = path.resolve(process.argv[2] || path.join(repo, "target/release/tebiki"));
const base = "/handbook/";

const site = fs.mkdtempSync(path.join(os.tmpdir(), "tebiki-live-"));
fs.cpSync(path.join(repo, "content"), path.join(site, "content"), { recursive: true });
if (fs.existsSync(path.join(repo, "themes"))) {
  fs.cpSync(path.join(repo, "themes"), path.join(site, "themes"), { recursive: true });
}
const lawFile = path.join(site, "content", "laws", "tokei-ho.md");
const original = fs.readFileSync(lawFile, "utf8");
const title = original.match(/^title: (.*)$/m)[1];

function startServe(port) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ["serve", "--root", site, "--port", String(port), "--base-path", base], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stderr.on("data", (d) => process.stderr.write(`  serve: ${d}`));
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/Serving (http:\/\/\S+)/);
      if (m) resolve({ child, url: m[1] });
    });
    child.on("exit", (code) => reject(new Error(`serve exited (${code}) before serving:\n${out}`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill("SIGINT");
  });
}

const failures = [];
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
}

const { chromium } = await import("playwright-core");
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
let serve = await startServe(0);
const port = new URL(serve.url).port;
try {
  const page = await browser.newPage({ locale: "ja-JP" });
  const errors = [];
  // The site has no favicon (nor does a built one): the browser's own guess is no error.
  page.on(
    "console",
    (m) => m.type() === "error" && !m.location().url.endsWith("/favicon.ico") && errors.push(`${m.text()} ${m.location().url}`),
  );
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("response", (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
  // While serve is down for the restart, the reconnecting event stream is refused.
  let restarting = false;
  page.on("console", (m) => {
    if (restarting && m.text().includes("ERR_CONNECTION_REFUSED")) errors.pop();
  });
  await page.exposeFunction("tebikiViolation", (v) => errors.push(`CSP: ${v}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      window.tebikiViolation(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  let loads = 0;
  page.on("load", () => loads++);
  const connected = () =>
    page.waitForResponse((r) => r.url().endsWith("__tebiki/events"), { timeout: 15000 });

  let open = connected();
  await page.goto(`${serve.url}laws/tokei-ho/`);
  await open;
  check((await page.textContent("h1")).includes(title), "the law page is served");

  // 2. An edit reloads the page.
  const before = loads;
  const reloaded = page.waitForEvent("load", { timeout: 15000 });
  open = connected();
  fs.writeFileSync(lawFile, original.replace(`title: ${title}`, "title: ライブ更新の確認"));
  await reloaded;
  await open;
  check(loads === before + 1, "an edit reloads the page once");
  check((await page.textContent("h1")).includes("ライブ更新の確認"), "the reloaded page shows the new title");

  // 3. A broken edit shows the error, the page stays.
  fs.writeFileSync(lawFile, original.replace(`title: ${title}`, "title: [閉じていない"));
  await page.waitForSelector("dialog[open]", { timeout: 15000 });
  const dialog = await page.textContent("dialog[open]");
  check(dialog.includes("laws/tokei-ho.md"), "a broken edit opens a dialog naming the file");
  check((await page.textContent("h1")).includes("ライブ更新の確認"), "the last good page stays under it");

  // 4. Fixing reloads and the dialog is gone.
  const fixed = page.waitForEvent("load", { timeout: 15000 });
  open = connected();
  fs.writeFileSync(lawFile, original.replace(`title: ${title}`, "title: 直した題名"));
  await fixed;
  await open;
  check((await page.$("dialog[open]")) === null, "the fix closes the error dialog");
  check((await page.textContent("h1")).includes("直した題名"), "the fix reloads the page");

  // 5. A restart of serve: the page reconnects and reloads.
  restarting = true;
  check((await stop(serve.child)) === 0, "serve stops on SIGINT with status 0");
  const again = page.waitForEvent("load", { timeout: 20000 });
  serve = await startServe(port);
  await again;
  restarting = false;
  check(true, "the page reloads after serve restarts");

  check(errors.length === 0, `no console error or CSP violation (${errors.join(" | ") || "none"})`);
} catch (e) {
  check(false, `live reload: ${e.message}`);
} finally {
  await browser.close();
  await stop(serve.child).catch(() => {});
  fs.rmSync(site, { recursive: true, force: true });
}
if (failures.length) {
  console.error(`live reload: ${failures.length} check(s) failed`);
  process.exit(1);
}
console.log("live reload: all checks passed");
