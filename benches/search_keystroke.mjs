// Keystroke to results, and the index bytes a query loads, from file:// in headless
// Chromium (docs/performance.md). A benchmark, not a test: it prints figures and fails
// only when the search page does not answer.
//
//   node benches/search_keystroke.mjs SITE_DIR [SITE_DIR...] [--draw 100] [--delay MS] [--list]
//
// Queries: N of 2–6 characters drawn from the page bodies (of the first SITE_DIR) with
// the same generator as `search_compare.mjs --draw` (so both speak of the same queries).
// For each query, a fresh search page opened from file:// and loaded (its load event:
// what the page's script asked for while it started is in), then:
// - typed: the query typed key by key into the box, as a reader does; the time from the
//   last keystroke's input event to the end of the first frame drawn after the result
//   list says it answers that query (data-query set, aria-busy gone): a task posted
//   from that frame's animation callback, so style, layout and paint are in.
//   --delay puts MS milliseconds between keystrokes (a reader's pace, 150 for a quick
//   typist); without it the keys come at once and the last one waits for everything the
//   first ones asked for, as a paste does.
// - pasted: on another fresh page, the whole query put in at once as the first thing
//   done on the page (no bucket or text read yet); the same time, and the bytes of every
//   index file the page loaded (sizes on disk of the search/data scripts added).
// Several sites (say, built by two binaries) are measured query by query in turn, the
// order alternating, so a busy moment of the machine falls on both alike.
// --list prints every query with its figures.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const browserDir = path.join(here, "..", ".ci", "browser");
const { chromium } = await import(path.join(browserDir, "node_modules", "playwright-core", "index.mjs"));

const argv = process.argv.slice(2);
function option(name, dflt) {
  const i = argv.indexOf(name);
  if (i < 0) return dflt;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
}
const draw = Number(option("--draw", 100));
const delay = Number(option("--delay", 0));
const listAll = argv.includes("--list");
const siteDirs = argv.filter((a) => !a.startsWith("--")).map((a) => path.resolve(a));
const siteDir = siteDirs[0] || "";
if (!siteDirs.length || !siteDirs.every((d) => fs.existsSync(path.join(d, "search", "data")))) {
  console.error("usage: node benches/search_keystroke.mjs SITE_DIR... (built sites with search/data/)");
  process.exit(2);
}

// The same draw as search_compare.mjs --draw.
const queries = [];
{
  let tries = 0;
  let seed = 7;
  const rng = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  const files = [];
  for (const kind of ["surveys", "laws", "roadmap", "pages"]) {
    const d = path.join(siteDir, kind);
    if (fs.existsSync(d))
      for (const e of fs.readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) files.push(path.join(d, e.name, "index.html"));
  }
  while (queries.length < draw && tries++ < draw * 100) {
    const html = fs.readFileSync(files[Math.floor(rng() * files.length)], "utf8");
    const at0 = html.indexOf('<div class="body" data-search>');
    const body = at0 < 0 ? "" : html.slice(at0, html.indexOf("</article>", at0));
    const text = body.replace(/<[^>]+>/g, "").replace(/&[a-z#0-9]+;/g, "").replace(/\s+/g, "");
    const len = 2 + (queries.length % 5);
    if (text.length < len) continue;
    const at = Math.floor(rng() * (text.length - len));
    queries.push([...text.slice(at, at + len * 2)].slice(0, len).join(""));
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});

// Installed before a query: records the time stamp of every input event of the box, and
// resolves window.__done with (shown - last input) once the list answers `q`.
function watch(q) {
  const input = document.getElementById("search-q");
  const ol = document.getElementById("search-results");
  let last = 0;
  input.addEventListener("input", (e) => (last = e.timeStamp), true);
  window.__done = new Promise((done) => {
    const obs = new MutationObserver(() => {
      if (ol.getAttribute("data-query") === q && !ol.hasAttribute("aria-busy")) {
        obs.disconnect();
        requestAnimationFrame(() => {
          const after = new MessageChannel();
          after.port1.onmessage = () => done({ ms: performance.now() - last, n: Number(ol.getAttribute("data-total")) });
          after.port2.postMessage(0);
        });
      }
    });
    obs.observe(ol, { attributes: true });
  });
}
const loadedBytes = (page, dataDir) =>
  page
    .$$eval("script[src]", (ss) => ss.map((s) => s.getAttribute("src")).filter((s) => s.startsWith("data/")))
    .then((srcs) => srcs.reduce((n, s) => n + fs.statSync(path.join(dataDir, path.basename(s))).size, 0));

const context = await browser.newContext({ locale: "ja-JP", viewport: { width: 1280, height: 900 } });
const rowsOf = siteDirs.map(() => []);
for (const [i, q] of queries.entries()) {
  const order = siteDirs.map((_, k) => k);
  if (i % 2) order.reverse();
  for (const k of order) rowsOf[k].push(await measure(q, siteDirs[k]));
}
await browser.close();

async function measure(q, siteDir) {
  const searchPage = pathToFileURL(path.join(siteDir, "search", "index.html")).href;
  const row = { q };
  // Typed, key by key.
  {
    const page = await context.newPage();
    await page.goto(searchPage, { waitUntil: "load" });
    await page.evaluate(watch, q);
    await page.focus("#search-q");
    await page.keyboard.type(q, { delay });
    const r = await page.evaluate(() => window.__done);
    row.typed = r.ms;
    row.n = r.n;
    await page.close();
  }
  // Pasted at once into a fresh page.
  {
    const page = await context.newPage();
    await page.goto(searchPage, { waitUntil: "load" });
    await page.evaluate(watch, q);
    await page.evaluate((q) => {
      const input = document.getElementById("search-q");
      input.value = q;
      input.dispatchEvent(new Event("input"));
    }, q);
    const r = await page.evaluate(() => window.__done);
    row.pasted = r.ms;
    row.bytes = await loadedBytes(page, path.join(siteDir, "search", "data"));
    await page.close();
  }
  if (listAll) console.log(`${JSON.stringify(q)}\t${row.n} pages\ttyped ${row.typed.toFixed(1)} ms\tpasted ${row.pasted.toFixed(1)} ms\t${(row.bytes / 1000).toFixed(1)} KB\t${siteDir}`);
  return row;
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p90: s[Math.min(s.length - 1, Math.floor(0.9 * s.length))], max: s[s.length - 1] };
};
const f = (o, unit, scale = 1, digits = 1) =>
  `median ${(o.median / scale).toFixed(digits)} / 90th pct ${(o.p90 / scale).toFixed(digits)} / max ${(o.max / scale).toFixed(digits)} ${unit}`;
for (const [k, rows] of rowsOf.entries()) {
  const worst = [...rows].sort((a, b) => b.bytes - a.bytes)[0];
  console.log(`\n${rows.length} queries of 2–6 characters, from ${pathToFileURL(siteDirs[k]).href}/search/`);
  console.log(`typed (${delay} ms between keys), last keystroke to results shown: ${f(stats(rows.map((r) => r.typed)), "ms")}`);
  console.log(`pasted into a fresh page, to results shown: ${f(stats(rows.map((r) => r.pasted)), "ms")}`);
  console.log(`index bytes loaded per query (fresh page): ${f(stats(rows.map((r) => r.bytes)), "KB", 1000)}; most: ${JSON.stringify(worst.q)} (${worst.n} pages)`);
  console.log(`queries over 300 KB: ${rows.filter((r) => r.bytes > 300000).length}; over 100 ms: typed ${rows.filter((r) => r.typed > 100).length}, pasted ${rows.filter((r) => r.pasted > 100).length}`);
  console.log(JSON.stringify({ typed: stats(rows.map((r) => r.typed)), pasted: stats(rows.map((r) => r.pasted)), bytes: stats(rows.map((r) => r.bytes)) }));
}
