// The site search, checked in Chromium against brute force.
//
//   node search.mjs SITE_DIR [--base /handbook/] [--queries N] [--seed S]
//
// 1. Reads every page that has search text (the elements the templates mark with
//    data-search, pictures left out), in the browser, and normalises it here,
//    independently of search.js (NFKC of the whole text, lower case, ς as σ, whitespace
//    removed).
// 2. Draws queries from that text (seeded): substrings of 1–8 characters, digit runs,
//    Latin words, the same in other widths and cases (full-width digits and letters,
//    half-width katakana), two-term queries and strings found nowhere.
// 3. Opens search/?q=… for every query from file:// and from serve.js under a sub-path,
//    reads the links of <ol id="search-results"> (pressing "さらに表示" until all are
//    listed) and compares them with the pages whose text contains every term: equal
//    for every query, or the check fails.
// Then: the header box submits to the search page, a title ranks its page first, the
// page without JavaScript explains itself, axe (light and dark, 1280 and 375 px) and no
// horizontal overflow on a page of results, and the time from a keystroke to the
// results from file://.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { fileURLToPath } from "node:url";
import { serve } from "./serve.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const argv = process.argv.slice(2);
function option(name, dflt) {
  const i = argv.indexOf(name);
  if (i < 0) return dflt;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
}
const basePath = option("--base", process.env.BASE_PATH || "/handbook/");
const wanted = Number(option("--queries", process.env.SEARCH_QUERIES || 240));
let seed = Number(option("--seed", process.env.SEARCH_SEED || 13));
// Writes the queries and their brute-force answers as JSON (benches/search_compare.mjs).
const dumpTo = option("--dump", null);
const siteDir = argv[0] ? path.resolve(argv[0]) : null;
if (!siteDir || !fs.existsSync(path.join(siteDir, "search", "index.html"))) {
  console.error("usage: node search.mjs SITE_DIR (a built site with search/index.html)");
  process.exit(2);
}

const results = [];
function record(name, ok, summary) {
  results.push({ name, ok, summary });
  console.log(`${ok ? "PASS" : "FAIL"}  ${name}: ${summary}`);
}

// ---------------------------------------------------------------- normalisation
// Written from the rule, not from search.js: whole-text NFKC, then lower case.
const norm = (s) => s.normalize("NFKC").toLowerCase().replace(/ς/g, "σ").replace(/[\s\x85]/gu, "");
const termsOf = (q) => [...new Set(q.split(/[\s\x85]+/u).map(norm).filter(Boolean))];

function rng() {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(rng() * list.length)];

// Half-width forms of katakana, derived from NFKC itself.
const toHalf = new Map();
for (let c = 0xff66; c <= 0xff9d; c++) {
  const h = String.fromCharCode(c);
  toHalf.set(h.normalize("NFKC"), h);
  for (const mark of ["\uff9e", "\uff9f"]) {
    const full = (h + mark).normalize("NFKC");
    if ([...full].length === 1) toHalf.set(full, h + mark);
  }
}
toHalf.set("ー", "ｰ");
const halfKana = (s) => [...s].map((c) => toHalf.get(c) || c).join("");
const fullWidth = (s) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

// ---------------------------------------------------------------- the site's pages
function walk(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name === "index.html") out.push(p);
  }
  return out;
}
// print/ repeats every item's main part (and so its data-search marks) on one page for
// printing; it is not a page of its own for search, and the index leaves it out.
const printDocument = path.join(siteDir, "print", "index.html");
const pageFiles = walk(siteDir)
  .filter((f) => f !== printDocument && fs.readFileSync(f, "utf8").includes("data-search"))
  .sort();
const urlOf = (f) => path.relative(siteDir, path.dirname(f)).split(path.sep).join("/") + "/";

const { chromium } = await import("playwright-core");
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
const { server, url: siteUrl } = await serve(siteDir, { base: basePath });
const started = Date.now();
let exitCode = 0;
try {
  const context = await browser.newContext({ locale: "ja-JP", viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(`${page.url()}: ${m.text()}`));
  page.on("pageerror", (e) => consoleErrors.push(`${page.url()}: ${e.message}`));

  // Brute force: the marked text of every page, read by the browser's own parser.
  const pages = [];
  for (const f of pageFiles) {
    await page.goto(pathToFileURL(f).href, { waitUntil: "domcontentloaded" });
    // Pictures are left out: their text repeats the table each one comes with.
    const raw = await page.evaluate(() =>
      [...document.querySelectorAll("[data-search]")]
        .map((e) => {
          const c = e.cloneNode(true);
          c.querySelectorAll("svg").forEach((s) => s.remove());
          return c.textContent;
        })
        .join("\n"),
    );
    pages.push({ url: urlOf(f), raw, text: norm(raw) });
  }
  console.log(`${pages.length} pages with search text`);
  const expected = (q) => {
    const terms = termsOf(q);
    return pages.filter((p) => terms.every((t) => p.text.includes(t))).map((p) => p.url);
  };

  // ---------------------------------------------------------------- queries
  const queries = new Set();
  const compact = pages.map((p) => p.raw.replace(/\s+/g, ""));
  const substring = (len) => {
    const t = pick(compact);
    const at = Math.floor(rng() * Math.max(t.length - len, 1));
    return [...t.slice(at, at + len * 2)].slice(0, len).join("");
  };
  const runs = (re) => [...new Set(compact.flatMap((t) => t.match(re) || []))];
  const digits = runs(/[0-9０-９]{2,}/g);
  const words = runs(/[A-Za-zＡ-Ｚａ-ｚ][A-Za-zＡ-Ｚａ-ｚ-]+/g);
  const katakana = runs(/[ァ-ヺー]{2,}/g);
  const add = (q) => q && q.trim() && queries.add(q);
  const share = Math.ceil(wanted / 10);
  for (let i = 0; i < share * 5; i++) add(substring(1 + (i % 8)));
  for (let i = 0; i < share && digits.length; i++) {
    const d = pick(digits);
    add(i % 2 ? fullWidth(norm(d)) : d);
  }
  for (let i = 0; i < share && words.length; i++) {
    const w = pick(words);
    add([w, w.toUpperCase(), w.toLowerCase(), fullWidth(w)][i % 4]);
  }
  for (let i = 0; i < share && katakana.length; i++) add(halfKana(pick(katakana)));
  for (let i = 0; i < share; i++) add(`${substring(2 + (i % 3))}${i % 2 ? " " : "\u3000"}${substring(1 + (i % 4))}`);
  for (let i = 0; i < share; i++) add(substring(3 + (i % 4)) + pick(["ゑ", "ヰ", "¤", "𠮷"]));
  // Fixed cases from the issue.
  for (const q of ["動態", "7466", "７４６６", "第33条", "ﾏｲﾅﾝﾊﾞｰ", "二次利用", "マイナポータル", "%", "％", "の", "A", "ａ"]) add(q);
  const list = [...queries];
  console.log(`${list.length} queries (seed ${process.env.SEARCH_SEED || 13})`);
  if (dumpTo) {
    fs.writeFileSync(dumpTo, JSON.stringify({ pages: pages.length, queries: list.map((q) => ({ q, expected: expected(q) })) }));
    console.log(`queries and their answers written to ${dumpTo}`);
  }

  // ---------------------------------------------------------------- results in the browser
  async function resultsFor(base, q) {
    const target = `${base}search/${base.startsWith("file:") ? "index.html" : ""}?q=${encodeURIComponent(q)}`;
    await page.goto(target, { waitUntil: "load" });
    await page.waitForFunction(
      (q) => {
        const ol = document.getElementById("search-results");
        return ol && ol.getAttribute("data-query") === q && !ol.hasAttribute("aria-busy");
      },
      q,
      { timeout: 30000 },
    );
    for (;;) {
      const more = await page.$("#search-more:not([hidden])");
      if (!more) break;
      await more.click();
      await page.waitForFunction(() => !document.getElementById("search-results").hasAttribute("aria-busy"));
    }
    const hrefs = await page.$$eval("#search-results > li > a:first-of-type", (as) => as.map((a) => a.href));
    const total = Number(await page.$eval("#search-results", (ol) => ol.getAttribute("data-total")));
    const root = new URL(base).href;
    const urls = hrefs.map((h) => decodeURIComponent(h.slice(root.length)).replace(/index\.html$/, ""));
    return { urls, total };
  }

  for (const [mode, base] of [
    ["file", pathToFileURL(siteDir).href + "/"],
    ["http", siteUrl],
  ]) {
    const problems = [];
    let found = 0;
    const t0 = Date.now();
    for (const q of list) {
      const want = expected(q);
      const got = await resultsFor(base, q);
      found += want.length;
      const a = [...got.urls].sort(), b = [...want].sort();
      const missing = b.filter((u) => !a.includes(u));
      const extra = a.filter((u) => !b.includes(u));
      if (missing.length || extra.length || got.urls.length !== new Set(got.urls).size || got.total !== want.length) {
        problems.push(
          `${JSON.stringify(q)}: expected ${want.length}, listed ${got.urls.length} (total ${got.total})` +
            (missing.length ? `; missing ${missing.slice(0, 5).join(" ")}` : "") +
            (extra.length ? `; not containing it ${extra.slice(0, 5).join(" ")}` : ""),
        );
      }
    }
    for (const p of problems.slice(0, 30)) console.log("  " + p);
    record(
      `exact-${mode}`,
      problems.length === 0,
      problems.length === 0
        ? `${list.length} queries from ${base.startsWith("file:") ? "file://" : base}, ${found} expected results, every result set equals brute force (${((Date.now() - t0) / 1000).toFixed(0)} s)`
        : `${problems.length} of ${list.length} queries differ from brute force`,
    );
  }

  // A title ranks its own page first (title matches before headings and body).
  {
    const problems = [];
    const sample = pages.filter((_, i) => i % Math.max(1, Math.floor(pages.length / 20)) === 0);
    for (const p of sample) {
      const title = await page.goto(pathToFileURL(path.join(siteDir, p.url, "index.html")).href).then(() => page.$eval("h1", (h) => h.textContent));
      const got = await resultsFor(pathToFileURL(siteDir).href + "/", title);
      const first = pages.find((x) => x.url === got.urls[0]);
      const firstTitle = first && (await page.$eval("#search-results > li > a", (a) => a.textContent));
      if (!firstTitle || !norm(firstTitle).includes(norm(title))) problems.push(`${title}: first result ${got.urls[0]} (${firstTitle})`);
    }
    for (const p of problems) console.log("  " + p);
    record("ranking", problems.length === 0, problems.length === 0 ? `the titles of ${sample.length} pages each list a page with that title first` : `${problems.length} title queries rank another page first`);
  }

  // The header's box: a real form, submitted with the keyboard only.
  {
    const some = pages[0];
    await page.goto(siteUrl + some.url);
    await page.focus("#site-search-q");
    await page.keyboard.type("統計");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.getElementById("search-results")?.getAttribute("data-query") === "統計");
    const where = new URL(page.url());
    const n = await page.$$eval("#search-results > li", (l) => l.length);
    const live = await page.$eval("#search-status", (s) => `${s.getAttribute("role")}|${s.getAttribute("aria-live")}|${s.textContent}`);
    const ok = where.pathname === `${basePath}search/index.html` && where.searchParams.get("q") === "統計" && n > 0 && live.startsWith("status|polite|");
    record("header-box", ok, `Enter in the header box of ${some.url} opened ${where.pathname}${where.search} with ${n} results; status region: ${live}`);
  }

  // Without JavaScript the page says why and links to the lists.
  {
    const noJs = await browser.newContext({ javaScriptEnabled: false });
    const p2 = await noJs.newPage();
    await p2.goto(siteUrl + "search/?q=" + encodeURIComponent("統計"));
    const shown = await p2.$eval("#search-nojs", (d) => !d.hidden && d.offsetParent !== null && d.textContent.includes("JavaScript"));
    const links = await p2.$$eval("#search-nojs a", (as) => as.length);
    await noJs.close();
    record("no-script", shown && links >= 4, `without JavaScript the page explains and offers ${links} links to the lists`);
  }

  // axe and overflow on a page of results; light and dark; 1280 and 375 px.
  {
    const axeSource = fs.readFileSync(path.join(here, "node_modules", "axe-core", "axe.min.js"), "utf8");
    const problems = [];
    for (const scheme of ["light", "dark"]) {
      for (const width of [1280, 375]) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.setViewportSize({ width, height: 900 });
        await page.goto(siteUrl + "search/?q=" + encodeURIComponent("調査"));
        await page.waitForFunction(() => document.getElementById("search-results")?.getAttribute("data-query") === "調査");
        await page.evaluate(axeSource);
        const r = await page.evaluate(() => axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
        for (const v of r.violations) problems.push(`${scheme} ${width}px: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(", ")})`);
        const wide = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
        if (wide) problems.push(`${scheme} ${width}px: the page scrolls horizontally`);
      }
    }
    await page.emulateMedia({ colorScheme: "light" });
    for (const p of problems) console.log("  " + p);
    record("axe+overflow", problems.length === 0, problems.length === 0 ? "no axe violation and no horizontal overflow with results, light and dark, 1280 and 375 px" : `${problems.length} problem(s)`);
  }

  // Time from the last keystroke to the results, from file:// (a figure, not a test).
  {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(pathToFileURL(siteDir).href + "/search/index.html");
    const times = [];
    for (const q of list.filter((q) => [...q].length >= 2 && [...q].length <= 6).slice(0, 40)) {
      await page.fill("#search-q", "");
      const ms = await page.evaluate(
        (q) =>
          new Promise((done) => {
            const input = document.getElementById("search-q");
            const ol = document.getElementById("search-results");
            const t0 = performance.now();
            const obs = new MutationObserver(() => {
              if (ol.getAttribute("data-query") === q && !ol.hasAttribute("aria-busy")) {
                obs.disconnect();
                done(performance.now() - t0);
              }
            });
            obs.observe(ol, { attributes: true });
            input.value = q;
            input.dispatchEvent(new Event("input"));
          }),
        q,
      );
      times.push(ms);
    }
    times.sort((a, b) => a - b);
    const at = (f) => times[Math.min(times.length - 1, Math.floor(f * times.length))].toFixed(1);
    console.log(`  keystroke to results, file://, ${times.length} queries of 2–6 characters: median ${at(0.5)} ms, 90th percentile ${at(0.9)} ms, max ${at(1)} ms`);
  }

  for (const e of consoleErrors.slice(0, 10)) console.log("  " + e);
  record("console", consoleErrors.length === 0, consoleErrors.length === 0 ? "no console errors (CSP included)" : `${consoleErrors.length} console error(s)`);
} catch (e) {
  record("search", false, `the search checks crashed: ${e.stack || e}`);
} finally {
  server.close();
  await browser.close();
}
console.log("\n== Summary ==");
for (const r of results) console.log(`${r.ok ? "PASS" : "FAIL"}  ${r.name.padEnd(12)} ${r.summary}`);
const failed = results.filter((r) => !r.ok);
console.log(
  failed.length === 0
    ? `\nAll ${results.length} search checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s.`
    : `\n${failed.length} of ${results.length} search checks FAILED: ${failed.map((r) => r.name).join(", ")}`,
);
process.exit(failed.length === 0 ? 0 : 1);
