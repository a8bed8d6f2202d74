// tebiki's search side by side with Pagefind on one built site (docs/performance.md).
//
//   node benches/search_compare.mjs SITE_DIR QUERIES.json [--pagefind BIN]
//
// QUERIES.json comes from `.ci/browser/search.mjs SITE_DIR --dump QUERIES.json` (queries
// drawn from the site's text, each with the pages brute force finds); for a large site
// without answers, `--draw N` draws N queries of 2–6 characters from the page texts
// instead (no recall figures then). For each engine and query: the pages found (recall
// and precision against the answers), the bytes the browser loaded for the query, and
// the time to the answer. tebiki runs its own search page; Pagefind (given --pagefind,
// e.g. the `pagefind_extended` binary of pip's pagefind-bin-extended) indexes a copy of
// the site restricted to the same text (data-pagefind-body on every data-search
// element) and is queried through its JavaScript API from a page without the site's
// CSP, which would forbid its WebAssembly. Both are served by serve.js under a sub-path,
// so every byte goes through the network stack and is counted.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const browserDir = path.join(here, "..", ".ci", "browser");
const { serve } = await import(path.join(browserDir, "serve.js"));
const { chromium } = await import(path.join(browserDir, "node_modules", "playwright-core", "index.mjs"));

const argv = process.argv.slice(2);
function option(name, dflt) {
  const i = argv.indexOf(name);
  if (i < 0) return dflt;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
}
const pagefindBin = option("--pagefind", null);
const draw = Number(option("--draw", 0));
const [siteArg, queriesArg] = argv;
const siteDir = path.resolve(siteArg);

// ---------------------------------------------------------------- queries
let queries;
if (draw) {
  let tries = 0;
  let seed = 7;
  const rng = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  const files = [];
  for (const kind of ["surveys", "laws", "roadmap", "pages"]) {
    const d = path.join(siteDir, kind);
    if (fs.existsSync(d))
      for (const e of fs.readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) files.push(path.join(d, e.name, "index.html"));
  }
  queries = [];
  while (queries.length < draw && tries++ < draw * 100) {
    const html = fs.readFileSync(files[Math.floor(rng() * files.length)], "utf8");
    const at0 = html.indexOf('<div class="body" data-search>');
    const body = at0 < 0 ? "" : html.slice(at0, html.indexOf("</article>", at0));
    const text = body.replace(/<[^>]+>/g, "").replace(/&[a-z#0-9]+;/g, "").replace(/\s+/g, "");
    const len = 2 + (queries.length % 5);
    if (text.length < len) continue;
    const at = Math.floor(rng() * (text.length - len));
    queries.push({ q: [...text.slice(at, at + len * 2)].slice(0, len).join(""), expected: null });
  }
} else {
  queries = JSON.parse(fs.readFileSync(queriesArg, "utf8")).queries;
}
console.log(`${queries.length} queries on ${siteDir}`);

const dirBytes = (d) => {
  let n = 0;
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    n += e.isDirectory() ? dirBytes(p) : fs.statSync(p).size;
  }
  return n;
};
const htmlBytes = (d) => {
  let n = 0;
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) n += htmlBytes(p);
    else if (e.name.endsWith(".html")) n += fs.statSync(p).size;
  }
  return n;
};

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox", "--headless"] });

function score(rows) {
  let want = 0, got = 0, right = 0, exact = 0;
  for (const r of rows) {
    if (!r.expected) continue;
    const e = new Set(r.expected);
    want += e.size;
    got += r.found.length;
    const ok = r.found.filter((u) => e.has(u)).length;
    right += ok;
    if (ok === e.size && r.found.length === e.size) exact++;
  }
  return { recall: want ? right / want : NaN, precision: got ? right / got : 1, exact };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};
const pct = (xs, f) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(f * s.length))] : NaN;
};

async function measure(name, dir, counted, runQuery) {
  const { server, url } = await serve(dir, { base: "/handbook/" });
  const context = await browser.newContext();
  const page = await context.newPage();
  let bytes = 0;
  page.on("requestfinished", async (req) => {
    if (!counted.test(req.url())) return;
    const s = await req.sizes().catch(() => null);
    if (s) bytes += s.responseBodySize;
  });
  const rows = [];
  try {
    for (const { q, expected } of queries) {
      bytes = 0;
      let snapped = null;
      const snap = async () => {
        await page.waitForTimeout(50);
        snapped = bytes;
      };
      const found = await runQuery(page, url, q, snap);
      rows.push({ q, expected, found: found.urls, ms: found.ms, bytes: snapped ?? bytes });
    }
  } finally {
    await context.close();
    server.close();
  }
  const s = score(rows);
  const short = rows.filter((r) => [...r.q].length >= 2 && [...r.q].length <= 6);
  const summary = {
    name,
    recall: s.recall,
    precision: s.precision,
    exact: s.exact,
    queries: rows.length,
    bytesMedian: median(short.map((r) => r.bytes)),
    bytes90: pct(short.map((r) => r.bytes), 0.9),
    bytesMax: Math.max(...short.map((r) => r.bytes)),
    msMedian: median(rows.map((r) => r.ms)),
    ms90: pct(rows.map((r) => r.ms), 0.9),
  };
  console.log(JSON.stringify(summary));
  const worst = rows.filter((r) => r.expected && (r.found.length !== r.expected.length || r.found.some((u) => !r.expected.includes(u))));
  for (const r of worst.slice(0, 8)) console.log(`  ${name} ${JSON.stringify(r.q)}: found ${r.found.length} of ${r.expected.length}`);
  return summary;
}

// ---------------------------------------------------------------- tebiki
const tebiki = await measure("tebiki", siteDir, /\/search\/data\//, async (page, url, q, snap) => {
  // A fresh page per query: what a reader arriving from the header's box loads.
  await page.goto(`${url}search/?q=${encodeURIComponent(q)}`, { waitUntil: "commit" });
  const ms = await page.evaluate(
    (q) =>
      new Promise((done) => {
        const check = () => {
          const ol = document.getElementById("search-results");
          if (ol && ol.getAttribute("data-query") === q && !ol.hasAttribute("aria-busy")) done(performance.now());
          else setTimeout(check, 2);
        };
        check();
      }),
    q,
  );
  await snap();
  for (;;) {
    const more = await page.$("#search-more:not([hidden])");
    if (!more || !queries[0].expected) break;
    await more.click();
    await page.waitForFunction(() => !document.getElementById("search-results").hasAttribute("aria-busy"));
  }
  const urls = await page.$$eval("#search-results > li > a:first-of-type", (as) => as.map((a) => a.getAttribute("href").replace(/^\.\.\//, "")));
  return { urls, ms };
});
const tebikiIndex = dirBytes(path.join(siteDir, "search", "data"));

// ---------------------------------------------------------------- Pagefind
let pagefind = null, pagefindIndex = null, pagefindSeconds = null;
if (pagefindBin) {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "tebiki-pagefind-"));
  fs.cpSync(siteDir, copy, { recursive: true });
  fs.rmSync(path.join(copy, "search"), { recursive: true, force: true });
  const mark = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) mark(p);
      else if (e.name.endsWith(".html")) {
        const h = fs.readFileSync(p, "utf8");
        if (h.includes(" data-search")) fs.writeFileSync(p, h.replaceAll(" data-search>", " data-search data-pagefind-body>"));
      }
    }
  };
  mark(copy);
  fs.writeFileSync(path.join(copy, "pf.html"), '<!DOCTYPE html><html lang="ja"><meta charset="utf-8"><title>pagefind</title></html>');
  const t0 = Date.now();
  const r = spawnSync(pagefindBin, ["--site", copy], { encoding: "utf8" });
  pagefindSeconds = (Date.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(r.stderr || r.stdout);
  pagefindIndex = dirBytes(path.join(copy, "pagefind"));
  pagefind = await measure("Pagefind", copy, /\/pagefind\//, async (page, url, q, snap) => {
    await page.goto(`${url}pf.html`);
    // Time from the start of the page, as for tebiki: loading Pagefind, its WebAssembly
    // and index, the search and the first ten results.
    const ms = await page.evaluate(async (q) => {
      window.pf = await import("./pagefind/pagefind.js");
      await window.pf.init();
      const r = await window.pf.search(q);
      await Promise.all(r.results.slice(0, 10).map((x) => x.data()));
      return performance.now();
    }, q);
    await snap();
    // Every result's address, for recall; not counted, and not asked without answers.
    if (!queries[0].expected) return { urls: [], ms };
    const urls = await page.evaluate(async (q) => {
      const r = await window.pf.search(q);
      const all = await Promise.all(r.results.map((x) => x.data()));
      return all.map((d) => d.url.replace(/^\/handbook\//, "").replace(/index\.html$/, ""));
    }, q);
    return { urls, ms };
  });
  fs.rmSync(copy, { recursive: true, force: true });
}
await browser.close();

const html = htmlBytes(siteDir);
console.log(`\nHTML bytes ${html}; tebiki index ${tebikiIndex} (${((100 * tebikiIndex) / html).toFixed(1)} %)` + (pagefindIndex ? `; Pagefind index ${pagefindIndex} (${((100 * pagefindIndex) / html).toFixed(1)} %), indexed in ${pagefindSeconds.toFixed(1)} s` : ""));
console.log(JSON.stringify({ html, tebikiIndex, pagefindIndex, pagefindSeconds, tebiki, pagefind }));
