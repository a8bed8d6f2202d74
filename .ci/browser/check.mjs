// The browser checks of the built site (run through check.sh, which installs what they
// need and builds the site):
//   vnu       the Nu Html Checker over every HTML file; any error fails
//   hosts     no page loads a resource from another host or from the server's root
//             (every src/href of link/script/img/iframe/... is relative, a same-document
//             anchor or a data: URL); CSS url()/@import likewise
//   csp       no inline style/script/event handler that the pages' own CSP blocks
//   links     every relative link and resource of every HTML file names a file of the
//             site, and every #fragment an id of its target page
//   axe       axe-core, tags wcag2a wcag2aa wcag21a wcag21aa, on one page of every kind,
//             light and dark colour scheme, 1280 and 375 px; zero violations
//   requests  in the browser, every request stays under the served sub-path and succeeds,
//             and no page logs an error (CSP violations included)
//   overflow  no horizontal scrolling of the page at 375 and 1280 px
//   focus     the first focus stops of each page show a visible focus indicator
//   print     schedule/ printed by `chromium --headless --print-to-pdf` fits on
//             SCHEDULE_MAX_PAGES (default 1) A4 landscape sheet(s)
// Screenshots (full page, PNG) of every page kind at both widths go to the screenshot
// folder for review.
//
//   node check.mjs SITE_DIR [--screenshots DIR] [--base /handbook/]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { serve } from "./serve.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
// Widths to check; CHECK_WIDTHS=320,375,1280 adds WCAG 1.4.10's 320 px, for instance.
const WIDTHS = (process.env.CHECK_WIDTHS || "1280,375").split(",").map(Number).filter((w) => w > 0);

// ---------------------------------------------------------------- arguments
const argv = process.argv.slice(2);
function option(name, dflt) {
  const i = argv.indexOf(name);
  if (i < 0) return dflt;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
}
const screenshotDir = path.resolve(
  option("--screenshots", process.env.SCREENSHOT_DIR || path.join(here, "..", "screenshots")),
);
const basePath = option("--base", process.env.BASE_PATH || "/handbook/");
const siteDir = argv[0] ? path.resolve(argv[0]) : null;
if (!siteDir || !fs.existsSync(path.join(siteDir, "index.html"))) {
  console.error("usage: node check.mjs SITE_DIR [--screenshots DIR] [--base /handbook/]");
  console.error(siteDir ? `no index.html in ${siteDir}` : "");
  process.exit(2);
}
const maxSchedulePages = Number(process.env.SCHEDULE_MAX_PAGES || 1);
// CHECK_ONLY=vnu,hosts,browser,print runs only those groups of checks ("none": none of
// them). selftest.sh uses it so each broken copy runs only the check it must trip.
const only = process.env.CHECK_ONLY ? new Set(process.env.CHECK_ONLY.split(",")) : null;
const wanted = (group) => !only || only.has(group);

// ---------------------------------------------------------------- reporting
const results = []; // { name, ok, summary }
function record(name, ok, summary) {
  results.push({ name, ok, summary });
  console.log(`${ok ? "PASS" : "FAIL"}  ${name}: ${summary}`);
}
function section(title) {
  console.log(`\n== ${title} ==`);
}
const rel = (f) => path.relative(siteDir, f).split(path.sep).join("/");

// ---------------------------------------------------------------- site files
function walk(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}
const allFiles = walk(siteDir).sort();
const htmlFiles = allFiles.filter((f) => /\.html?$/i.test(f));
const cssFiles = allFiles.filter((f) => /\.css$/i.test(f));

// ---------------------------------------------------------------- 1. vnu
function checkVnu() {
  section(`Nu Html Checker: ${htmlFiles.length} HTML files`);
  const jar = path.join(here, "node_modules", "vnu-jar", "build", "dist", "vnu.jar");
  const r = spawnSync(
    "java",
    ["-Xss16m", "-jar", jar, "--errors-only", "--skip-non-html", "--format", "json", siteDir],
    { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
  );
  if (r.error) return record("vnu", false, `could not run java: ${r.error.message}`);
  let messages;
  try {
    messages = JSON.parse(r.stderr || r.stdout || '{"messages":[]}').messages;
  } catch {
    console.log(r.stdout, r.stderr);
    return record("vnu", false, `unreadable vnu output (exit ${r.status})`);
  }
  const errors = messages.filter((m) => m.type === "error" || m.type === "non-document-error");
  for (const m of errors) {
    const file = m.url ? rel(fileURLToPath(m.url)) : "?";
    console.log(`  ${file}:${m.lastLine ?? "?"}:${m.firstColumn ?? m.lastColumn ?? "?"}: ${m.message}`);
    if (m.extract) console.log(`      ${m.extract.replace(/\s+/g, " ").trim()}`);
  }
  const files = new Set(errors.map((m) => m.url)).size;
  record(
    "vnu",
    errors.length === 0 && r.status === 0,
    errors.length === 0
      ? `0 errors in ${htmlFiles.length} HTML files`
      : `${errors.length} error(s) in ${files} of ${htmlFiles.length} HTML files`,
  );
}

// ---------------------------------------------------------------- 2. hosts + links (static)
const RESOURCE_TAGS = new Set(["link", "script", "img", "iframe", "source", "video", "audio", "embed", "object", "track", "input", "frame", "image", "use"]);
const URL_ATTRS = ["src", "href", "srcset", "poster", "data", "xlink:href"];

function* tagsOf(html) {
  const noComments = html.replace(/<!--[\s\S]*?-->/g, (m) => m.replace(/[^\n]/g, " "));
  const re = /<([a-zA-Z][\w:-]*)((?:\s+[^\s"'>\/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/g;
  let m;
  while ((m = re.exec(noComments))) {
    const attrs = {};
    const are = /([^\s"'>\/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
    let a;
    while ((a = are.exec(m[2]))) attrs[a[1].toLowerCase()] = decodeEntities(a[2] ?? a[3] ?? a[4] ?? "");
    const line = noComments.slice(0, m.index).split("\n").length;
    yield { tag: m[1].toLowerCase(), attrs, line };
  }
}
function decodeEntities(s) {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
const hasScheme = (u) => /^[a-z][a-z0-9+.-]*:/i.test(u);

function checkHostsAndLinks() {
  section("Resources and links (every HTML and CSS file)");
  const hostProblems = [];
  const linkProblems = [];
  const idsCache = new Map();
  const idsOf = (file) => {
    if (!idsCache.has(file)) {
      const ids = new Set();
      for (const t of tagsOf(fs.readFileSync(file, "utf8"))) {
        if (t.attrs.id) ids.add(t.attrs.id);
        if (t.tag === "a" && t.attrs.name) ids.add(t.attrs.name);
      }
      idsCache.set(file, ids);
    }
    return idsCache.get(file);
  };
  const targetFile = (fromFile, urlPath) => {
    let p = path.resolve(path.dirname(fromFile), urlPath);
    if (p !== siteDir && !p.startsWith(siteDir + path.sep)) return { outside: true };
    if (urlPath === "" ) p = fromFile;
    if (fs.existsSync(p) && fs.statSync(p).isDirectory()) p = path.join(p, "index.html");
    return { file: fs.existsSync(p) ? p : null, wanted: p };
  };
  let checkedRefs = 0;
  const cspProblems = [];
  for (const file of htmlFiles) {
    const html = fs.readFileSync(file, "utf8");
    let hasCsp = false;
    for (const { tag, attrs, line } of tagsOf(html)) {
      if (tag === "meta" && /^content-security-policy$/i.test(attrs["http-equiv"] || "")) hasCsp = true;
      // What the pages' Content-Security-Policy (script-src 'none'; style-src 'self')
      // makes the browser ignore.
      const at = `${rel(file)}:${line}: <${tag}>`;
      if ("style" in attrs) cspProblems.push(`${at}: style="${attrs.style}" is ignored (style-src 'self'): use a class`);
      if (tag === "style") cspProblems.push(`${at}: a <style> element is ignored (style-src 'self'): use the stylesheet`);
      if (tag === "script" && !("src" in attrs) && !/^application\/(ld\+)?json$/i.test(attrs.type || "")) cspProblems.push(`${at}: an inline script is blocked (script-src 'none')`);
      for (const name of Object.keys(attrs)) if (/^on[a-z]+$/.test(name)) cspProblems.push(`${at}: event handler ${name} is blocked (script-src 'none')`);
      if (/^\s*javascript:/i.test(attrs.href || "")) cspProblems.push(`${at}: javascript: URL is blocked`);
      for (const name of URL_ATTRS) {
        if (!(name in attrs)) continue;
        const values = name === "srcset" ? attrs[name].split(",").map((s) => s.trim().split(/\s+/)[0]) : [attrs[name].trim()];
        for (const value of values) {
          if (value === "") continue;
          checkedRefs++;
          const where = `${rel(file)}:${line}: <${tag} ${name}="${value}">`;
          const isResource = RESOURCE_TAGS.has(tag) && !(tag === "link" && /\b(alternate|canonical)\b/i.test(attrs.rel || "") && !/\bstylesheet\b/i.test(attrs.rel || ""));
          if (value.startsWith("//")) {
            hostProblems.push(`${where}: protocol-relative URL points at another host`);
            continue;
          }
          if (hasScheme(value)) {
            const scheme = value.split(":")[0].toLowerCase();
            if (isResource && !(scheme === "data" && tag !== "script" && tag !== "iframe")) {
              hostProblems.push(`${where}: resource from another host or scheme`);
            }
            continue; // <a href="https://…">, tel:, mailto: are fine
          }
          if (value.startsWith("/")) {
            hostProblems.push(`${where}: root-absolute URL breaks when the site is served under a sub-path`);
            continue;
          }
          // Relative: the file (and the fragment) must exist.
          const [beforeHash, fragment] = value.split("#", 2);
          const urlPath = beforeHash.split("?")[0];
          const decode = (x) => {
            try {
              return decodeURIComponent(x);
            } catch {
              return x;
            }
          };
          const t = targetFile(file, decode(urlPath));
          if (t.outside) {
            linkProblems.push(`${where}: leaves the site's folder`);
          } else if (!t.file) {
            linkProblems.push(`${where}: no such file ${rel(t.wanted)}`);
          } else if (fragment && /\.html?$/i.test(t.file) && !idsOf(t.file).has(decode(fragment))) {
            linkProblems.push(`${where}: no id "${fragment}" in ${rel(t.file)}`);
          }
        }
      }
    }
    if (!hasCsp) cspProblems.push(`${rel(file)}: no <meta http-equiv="Content-Security-Policy"> (every page of the theme has one)`);
  }
  for (const file of cssFiles) {
    const css = fs.readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
    const re = /(?:url\(\s*(['"]?)([^'")]*)\1\s*\)|@import\s+(['"])([^'"]*)\3)/gi;
    let m;
    while ((m = re.exec(css))) {
      const value = (m[2] ?? m[4]).trim();
      const line = css.slice(0, m.index).split("\n").length;
      if (value.startsWith("//") || (hasScheme(value) && !/^data:/i.test(value)) || value.startsWith("/")) {
        hostProblems.push(`${rel(file)}:${line}: CSS loads ${value}: not relative to the site`);
      }
    }
  }
  for (const p of hostProblems) console.log("  " + p);
  record(
    "hosts",
    hostProblems.length === 0,
    hostProblems.length === 0
      ? `every resource of ${htmlFiles.length} HTML and ${cssFiles.length} CSS files is relative`
      : `${hostProblems.length} reference(s) to another host or to the server root (external resource)`,
  );
  for (const p of cspProblems.slice(0, 40)) console.log("  " + p);
  if (cspProblems.length > 40) console.log(`  … and ${cspProblems.length - 40} more`);
  record(
    "csp",
    cspProblems.length === 0,
    cspProblems.length === 0
      ? `every page has its CSP and nothing inline that the CSP would block`
      : `${cspProblems.length} problem(s): a missing CSP, or inline styles/scripts that the CSP blocks, in ${new Set(cspProblems.map((p) => p.split(":")[0])).size} file(s)`,
  );
  for (const p of linkProblems) console.log("  " + p);
  record(
    "links",
    linkProblems.length === 0,
    linkProblems.length === 0 ? `${checkedRefs} relative links and resources resolve` : `${linkProblems.length} broken relative link(s)`,
  );
}

// ---------------------------------------------------------------- page kinds
// The largest page of a section, preferring pages that hold a table (the widest
// content): the most to check.
function largestIn(dir, prefer = /<table[\s>]/) {
  const d = path.join(siteDir, dir);
  if (!fs.existsSync(d)) return null;
  let best = null;
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const f = path.join(d, e.name, "index.html");
    if (!e.isDirectory() || !fs.existsSync(f)) continue;
    const size = fs.statSync(f).size;
    const rank = [prefer.test(fs.readFileSync(f, "utf8")) ? 1 : 0, size];
    if (!best || rank[0] > best.rank[0] || (rank[0] === best.rank[0] && rank[1] > best.rank[1])) best = { url: `${dir}/${e.name}/`, rank };
  }
  return best && best.url;
}
function pickPages() {
  const exists = (u) => fs.existsSync(path.join(siteDir, u, "index.html"));
  const want = [
    ["home", ""],
    ["survey", exists("surveys/iryo-shisetsu/") ? "surveys/iryo-shisetsu/" : largestIn("surveys")],
    ["law", largestIn("laws")],
    ["roadmap", largestIn("roadmap")],
    ["page", largestIn("pages")],
    ["list", "surveys/"],
    ["schedule", "schedule/"],
    ["contacts", "contacts/"],
    ["tags", "tags/"],
    ["tag", largestIn("tags")],
    ["print", "print/"],
  ];
  const pages = [];
  for (const [kind, url] of want) {
    if (url === null || !exists(url)) {
      record(`page ${kind}`, false, `no page of this kind in the site (${url ?? "none found"})`);
      continue;
    }
    pages.push({ kind, url });
  }
  return pages;
}

// ---------------------------------------------------------------- 3. browser
async function checkInBrowser(pages, origin, siteUrl) {
  section(`Browser: ${pages.length} pages at ${siteUrl} (Chromium ${CHROMIUM})`);
  const { chromium } = await import("playwright-core");
  const axeSource = fs.readFileSync(path.join(here, "node_modules", "axe-core", "axe.min.js"), "utf8");
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "tebiki-chromium-"));
  fs.mkdirSync(screenshotDir, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 800 },
    locale: "ja-JP",
    colorScheme: "light",
    reducedMotion: "reduce",
    serviceWorkers: "block",
  });
  const axeFindings = []; // { page, scheme, width, v }
  const requestProblems = [];
  const overflowProblems = [];
  const focusProblems = [];
  const shots = [];
  try {
    let current = null;
    // Nothing leaves this machine: a request for anything but the served site is
    // recorded and aborted before it reaches the network.
    await context.route(
      (u) => !u.href.startsWith(siteUrl) && !["data:", "blob:", "about:"].includes(u.protocol),
      (route) => {
        requestProblems.push(`${current}: request outside the site (blocked): ${route.request().url()}`);
        return route.abort("blockedbyclient");
      },
    );
    const page = context.pages()[0] || (await context.newPage());
    page.on("response", (res) => {
      if (res.status() >= 400) requestProblems.push(`${current}: HTTP ${res.status()} for ${res.url()}`);
    });
    page.on("requestfailed", (req) => {
      if (req.url().startsWith(siteUrl)) requestProblems.push(`${current}: request failed: ${req.url()} (${req.failure()?.errorText})`);
    });
    page.on("console", (msg) => {
      if (msg.type() === "error") requestProblems.push(`${current}: console error: ${msg.text()}${msg.location()?.url ? " (" + msg.location().url + ")" : ""}`);
    });
    page.on("pageerror", (err) => requestProblems.push(`${current}: script error: ${err.message}`));

    const runAxe = async (p, scheme, width) => {
      await page.evaluate(axeSource); // via the DevTools protocol: the page's CSP stays on
      const result = await page.evaluate(async (tags) => {
        // eslint-disable-next-line no-undef
        const r = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
        return r.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          helpUrl: v.helpUrl,
          nodes: v.nodes.map((n) => ({ target: n.target.join(" "), html: n.html, summary: n.failureSummary })),
        }));
      }, AXE_TAGS);
      for (const v of result) axeFindings.push({ page: p, scheme, width, v });
    };

    const overflow = async (p, width) => {
      const o = await page.evaluate(() => {
        const de = document.documentElement;
        const cw = de.clientWidth;
        const out = { scrollWidth: de.scrollWidth, clientWidth: cw, offenders: [] };
        if (out.scrollWidth <= cw) return out;
        const clips = (el) => {
          for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
            const ox = getComputedStyle(a).overflowX;
            if (ox !== "visible") return true;
          }
          return false;
        };
        const describe = (el) => {
          let s = el.tagName.toLowerCase();
          if (el.id) s += "#" + el.id;
          if (el.classList.length) s += "." + [...el.classList].join(".");
          return s;
        };
        for (const el of document.body.querySelectorAll("*")) {
          const r = el.getBoundingClientRect();
          if (r.right > cw + 0.5 && !clips(el)) {
            // report the outermost offenders only
            let parentOffends = false;
            const pr = el.parentElement && el.parentElement.getBoundingClientRect();
            if (pr && pr.right > cw + 0.5 && el.parentElement !== document.body) parentOffends = true;
            if (!parentOffends) out.offenders.push(`${describe(el)} (right edge ${Math.round(r.right)} px, width ${Math.round(r.width)} px)`);
          }
          if (out.offenders.length >= 5) break;
        }
        return out;
      });
      if (o.scrollWidth > o.clientWidth) {
        overflowProblems.push(
          `${p.kind} (${p.url || "/"}) at ${width} px: page scrolls sideways, scrollWidth ${o.scrollWidth} > clientWidth ${o.clientWidth}` +
            (o.offenders.length ? `\n      too wide: ${o.offenders.join("\n                ")}` : ""),
        );
      }
    };

    const focusCheck = async (p) => {
      await page.evaluate(() => {
        document.activeElement && document.activeElement.blur();
        window.scrollTo(0, 0);
      });
      for (let i = 0; i < 6; i++) {
        await page.keyboard.press("Tab");
        const f = await page.evaluate(() => {
          const el = document.activeElement;
          if (!el || el === document.body) return null;
          const cs = getComputedStyle(el);
          const r = el.getBoundingClientRect();
          const outline = cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2;
          const shadow = cs.boxShadow && cs.boxShadow !== "none";
          const inView = r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
          return { what: `${el.tagName.toLowerCase()} "${(el.textContent || "").trim().slice(0, 20)}"`, outline, shadow, inView };
        });
        if (!f) break;
        if (!(f.outline || f.shadow)) focusProblems.push(`${p.kind}: focus stop ${i + 1}, ${f.what}: no visible focus indicator`);
        else if (!f.inView) focusProblems.push(`${p.kind}: focus stop ${i + 1}, ${f.what}: focused but not visible in the viewport`);
        if (i === 3) {
          // how a focused link looks, for review
          const file = path.join(screenshotDir, `${p.kind}-${WIDTHS[0]}-focus.png`);
          await page.screenshot({ path: file, clip: { x: 0, y: 0, width: WIDTHS[0], height: 360 } });
          shots.push(file);
        }
      }
      // and inside the content: the first link of <main>, the first scrollable table box
      const inside = await page.evaluate(() => {
        const out = [];
        for (const sel of ["main a[href]", "main .table-wrap[tabindex]", "main summary"]) {
          const el = document.querySelector(sel);
          if (!el) continue;
          el.focus();
          if (document.activeElement !== el) {
            out.push({ sel, ok: false, why: "cannot take focus" });
            continue;
          }
          const cs = getComputedStyle(el);
          const ok = (cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2) || (cs.boxShadow && cs.boxShadow !== "none");
          out.push({ sel, ok, why: ok ? "" : "no visible focus indicator" });
        }
        return out;
      });
      for (const f of inside) if (!f.ok) focusProblems.push(`${p.kind}: ${f.sel}: ${f.why}`);
    };

    for (const p of pages) {
      const url = siteUrl + p.url;
      current = `${p.kind} (${p.url || "/"})`;
      for (const scheme of ["light", "dark"]) {
        await page.emulateMedia({ colorScheme: scheme, media: "screen" });
        for (const width of WIDTHS) {
          await page.setViewportSize({ width, height: width < 600 ? 800 : 900 });
          await page.goto(url, { waitUntil: "load" });
          await runAxe(p, scheme, width);
          if (scheme === "light") await overflow(p, width);
          if (scheme === "light" && width === WIDTHS[0]) await focusCheck(p);
          await page.evaluate(() => {
            document.activeElement && document.activeElement.blur();
            window.scrollTo(0, 0);
          });
          const file = path.join(screenshotDir, `${p.kind}-${width}${scheme === "dark" ? "-dark" : ""}.png`);
          // print/ is the whole handbook, hundreds of screens tall: its first screen only.
          await page.screenshot({ path: file, fullPage: p.kind !== "print" });
          shots.push(file);
        }
      }
      console.log(`  checked ${current} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }

    // Every other page of the site: no horizontal overflow at any width (and, with
    // AXE_ALL=1, axe in light mode at the first width too).
    const sampled = new Set(pages.map((p) => p.url));
    const others = htmlFiles
      .map((f) => rel(f).replace(/(^|\/)index\.html$/, "$1"))
      .filter((u) => !sampled.has(u));
    await page.emulateMedia({ colorScheme: "light", media: "screen" });
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 800 });
      for (const u of others) {
        const p = { kind: "page", url: u };
        current = `${u || "/"}`;
        await page.goto(siteUrl + encodeURI(u), { waitUntil: "load" });
        await overflow(p, width);
        if (process.env.AXE_ALL === "1" && width === WIDTHS[0]) await runAxe(p, "light", width);
      }
    }
    console.log(`  checked the other ${others.length} pages for overflow${process.env.AXE_ALL === "1" ? " and axe" : ""} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }

  // axe: group identical violations found in several modes of one page
  const grouped = new Map();
  for (const f of axeFindings) {
    const key = `${f.page.kind}|${f.v.id}|${f.v.nodes.map((n) => n.target).join(",")}`;
    if (!grouped.has(key)) grouped.set(key, { ...f, modes: [] });
    grouped.get(key).modes.push(`${f.scheme} ${f.width}px`);
  }
  for (const g of grouped.values()) {
    console.log(`  ${g.page.kind} (${g.page.url || "/"}) [${g.modes.join(", ")}]: ${g.v.id} (${g.v.impact}): ${g.v.help}`);
    console.log(`      ${g.v.helpUrl}`);
    for (const n of g.v.nodes) {
      console.log(`      - ${n.target}\n        ${n.html.replace(/\s+/g, " ").slice(0, 200)}`);
      if (n.summary) console.log("        " + n.summary.replace(/\n\s*/g, "\n        "));
    }
  }
  const pagesWithViolations = new Set([...grouped.values()].map((g) => g.page.kind)).size;
  record(
    "axe",
    grouped.size === 0,
    grouped.size === 0
      ? `0 violations (${AXE_TAGS.join(", ")}) on ${pages.length} pages, light and dark, ${WIDTHS.join(" and ")} px` +
        (process.env.AXE_ALL === "1" ? `, and on every other page (light, ${WIDTHS[0]} px)` : "")
      : `${grouped.size} violation(s) on ${pagesWithViolations} page(s)`,
  );
  const counted = new Map();
  for (const p of requestProblems) counted.set(p, (counted.get(p) || 0) + 1);
  for (const [p, n] of counted) console.log(`  ${p}${n > 1 ? ` (${n} times)` : ""}`);
  if (requestProblems.some((p) => /Content Security Policy/.test(p))) {
    console.log("  (a CSP violation means the browser ignored part of the page: an inline style or script that the site's own policy forbids)");
  }
  record("requests", requestProblems.length === 0, requestProblems.length === 0 ? `every request stayed under ${basePath} and succeeded; no console errors` : `${counted.size} problem(s) on ${new Set(requestProblems.map((p) => p.split(":")[0])).size} page(s)`);
  for (const p of overflowProblems) console.log("  " + p);
  record(
    "overflow",
    overflowProblems.length === 0,
    overflowProblems.length === 0 ? `no horizontal overflow at ${WIDTHS.join(" or ")} px on any of ${htmlFiles.length} pages` : `${overflowProblems.length} page/width(s) overflow horizontally`,
  );
  for (const p of focusProblems) console.log("  " + p);
  record("focus", focusProblems.length === 0, focusProblems.length === 0 ? `the first focus stops, first content link and table box of ${pages.length} pages show a focus indicator` : `${focusProblems.length} focus stop(s) without a visible indicator`);
  console.log(`  screenshots: ${shots.length} PNG files in ${screenshotDir}`);
}

// ---------------------------------------------------------------- 4. print
function pdfPages(file) {
  const r = spawnSync("pdfinfo", ["-f", "1", "-l", "9999", file], { encoding: "utf8" });
  if (r.status === 0) {
    const pages = Number((r.stdout.match(/^Pages:\s+(\d+)/m) || [])[1]);
    const sizes = [...r.stdout.matchAll(/^Page\s+\d+ size:\s+(.*)$/gm)].map((m) => m[1]);
    const landscape = sizes.every((s) => {
      const m = s.match(/([\d.]+) x ([\d.]+)/);
      return m && Number(m[1]) > Number(m[2]);
    });
    return { pages, size: [...new Set(sizes)].join(", "), landscape };
  }
  // No pdfinfo: count the page objects.
  const text = fs.readFileSync(file, "latin1");
  return { pages: (text.match(/\/Type\s*\/Page(?![s\w])/g) || []).length, size: "?", landscape: null };
}

// Runs a command without blocking the event loop (the server answers from this process).
function run(cmd, args, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stdout.on("data", () => {});
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stderr });
    });
  });
}

async function checkPrint(siteUrl) {
  section("Print: schedule/ to PDF");
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "tebiki-print-"));
  const out = path.join(screenshotDir, "schedule-print.pdf");
  fs.rmSync(out, { force: true });
  const args = [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, "--no-pdf-header-footer", `--print-to-pdf=${out}`, siteUrl + "schedule/"];
  console.log(`  ${CHROMIUM} ${args.join(" ")}`);
  const r = await run(CHROMIUM, args, 120000);
  fs.rmSync(profile, { recursive: true, force: true });
  if (!fs.existsSync(out)) {
    console.log(r.stderr.split("\n").filter((l) => !/dbus/.test(l)).join("\n"));
    return record("print", false, `chromium wrote no PDF (exit ${r.status}${r.signal ? ", " + r.signal : ""})`);
  }
  const info = pdfPages(out);
  const ok = info.pages >= 1 && info.pages <= maxSchedulePages && info.landscape !== false;
  record(
    "print",
    ok,
    `schedule/ prints on ${info.pages} page(s), ${info.size}${info.landscape === false ? " (portrait; expected landscape)" : ""}` +
      (info.pages > maxSchedulePages ? `; expected at most ${maxSchedulePages}` : "") +
      ` — ${out}`,
  );
}

// ---------------------------------------------------------------- main
const started = Date.now();
console.log(`Checking ${siteDir}`);
if (wanted("vnu")) checkVnu();
if (wanted("hosts")) checkHostsAndLinks();
if (wanted("browser") || wanted("print")) {
  const { server, url: siteUrl } = await serve(siteDir, { base: basePath });
  const origin = new URL(siteUrl).origin;
  try {
    if (wanted("browser")) await checkInBrowser(pickPages(), origin, siteUrl);
    if (wanted("print")) await checkPrint(siteUrl);
  } catch (e) {
    record("browser", false, `the browser checks crashed: ${e.stack || e}`);
  } finally {
    server.close();
  }
}

section("Summary");
for (const r of results) console.log(`${r.ok ? "PASS" : "FAIL"}  ${r.name.padEnd(9)} ${r.summary}`);
const failed = results.filter((r) => !r.ok);
console.log(
  failed.length === 0
    ? `\nAll ${results.length} browser checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s.`
    : `\n${failed.length} of ${results.length} browser checks FAILED: ${failed.map((r) => r.name).join(", ")}`,
);
process.exit(failed.length === 0 ? 0 : 1);
