// The pictures drawn at build time (src/render/pictures/), checked in a real browser
// with the real fonts: for each kind (roadmap timeline on an item and on the roadmap
// list, the year at a glance on the schedule, survey routes, the budget chart), at
// 1280 and 375 px, light and dark:
//   present   the page has its inline SVG, role="img", named by its <title> and <desc>
//   text      no two <text> elements overlap and none leaves the SVG's view box, as
//             measured by the browser (getBBox), not by the build's estimate
//   overflow  the page does not scroll sideways
// axe-core runs on these pages too (wcag2a/aa, wcag21a/aa). Screenshots of each
// picture (the element, and the whole page) go to the screenshot folder as
// pictures-KIND-WIDTH[-dark].png and pictures-KIND-WIDTH-page.png.
//
//   node pictures.mjs SITE_DIR [--screenshots DIR]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "./serve.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const argv = process.argv.slice(2);
const si = argv.indexOf("--screenshots");
const shotDir = path.resolve(si >= 0 ? argv.splice(si, 2)[1] : process.env.SCREENSHOT_DIR || path.join(here, "..", "screenshots"));
const siteDir = argv[0] && path.resolve(argv[0]);
if (!siteDir || !fs.existsSync(path.join(siteDir, "index.html"))) {
  console.error("usage: node pictures.mjs SITE_DIR [--screenshots DIR]");
  process.exit(2);
}

// The first page of a section (not its list) whose HTML holds a picture of the class.
function pageWith(dir, cls) {
  const d = path.join(siteDir, dir);
  if (!fs.existsSync(d)) return null;
  for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const f = path.join(d, e.name, "index.html");
    if (e.isDirectory() && fs.existsSync(f) && fs.readFileSync(f, "utf8").includes(`class="pic ${cls}`)) return `${dir}/${e.name}/`;
  }
  return null;
}
const kinds = [
  ["timeline-item", pageWith("roadmap", "pic-timeline"), "svg.pic-timeline"],
  ["timeline-program", "roadmap/", "svg.pic-timeline"],
  ["year", "schedule/", "svg.pic-year"],
  ["route", pageWith("surveys", "pic-route"), "svg.pic-route"],
  ["budget", pageWith("pages", "pic-budget"), "svg.pic-budget"],
];

const results = [];
const record = (name, ok, summary) => {
  results.push({ name, ok });
  console.log(`${ok ? "PASS" : "FAIL"}  ${name}: ${summary}`);
};

const { chromium } = await import("playwright-core");
const axeSource = fs.readFileSync(path.join(here, "node_modules", "axe-core", "axe.min.js"), "utf8");
fs.mkdirSync(shotDir, { recursive: true });
const { server, url: siteUrl } = await serve(siteDir, { base: "/handbook/" });
const context = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), "tebiki-pictures-")), {
  executablePath: CHROMIUM,
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  locale: "ja-JP",
});
try {
  const page = context.pages()[0] || (await context.newPage());
  for (const [kind, url, selector] of kinds) {
    if (!url || !fs.existsSync(path.join(siteDir, url, "index.html"))) {
      record(`${kind} present`, false, "no page of the site has this picture");
      continue;
    }
    for (const scheme of ["light", "dark"]) {
      await page.emulateMedia({ colorScheme: scheme, media: "screen" });
      for (const width of [1280, 375]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(siteUrl + url, { waitUntil: "load" });
        const where = `${kind} ${url} ${width}px ${scheme}`;
        const found = await page.evaluate((sel) => {
          const all = [...document.querySelectorAll(sel)];
          const shown = all.filter((s) => s.getBoundingClientRect().width > 0);
          const problems = [];
          for (const svg of all) {
            const ids = (svg.getAttribute("aria-labelledby") || "").split(/\s+/);
            const t = svg.querySelector(":scope > title"), d = svg.querySelector(":scope > desc");
            if (svg.getAttribute("role") !== "img" || !t || !d || ids[0] !== t.id || ids[1] !== d.id) problems.push(`${svg.id}: not role=img named by its title and desc`);
          }
          for (const svg of shown) {
            const vb = svg.viewBox.baseVal;
            const boxes = [...svg.querySelectorAll("text")].map((e) => ({ text: e.textContent, b: e.getBBox() }));
            for (const { text, b } of boxes) {
              if (b.x < vb.x - 0.5 || b.y < vb.y - 0.5 || b.x + b.width > vb.x + vb.width + 0.5 || b.y + b.height > vb.y + vb.height + 0.5) problems.push(`${svg.id}: "${text}" leaves the view box`);
            }
            for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
              const a = boxes[i].b, c = boxes[j].b;
              // A small tolerance: the boxes of adjacent lines touch by the fonts' line gap.
              const ox = Math.min(a.x + a.width, c.x + c.width) - Math.max(a.x, c.x);
              const oy = Math.min(a.y + a.height, c.y + c.height) - Math.max(a.y, c.y);
              if (ox > 1 && oy > 2) problems.push(`${svg.id}: "${boxes[i].text}" overlaps "${boxes[j].text}"`);
            }
          }
          const de = document.documentElement;
          return { count: all.length, shown: shown.length, problems, overflow: de.scrollWidth > de.clientWidth ? `${de.scrollWidth} > ${de.clientWidth}` : "" };
        }, selector);
        if (found.count === 0 || found.shown === 0) record(`${kind} present`, false, `${where}: no visible ${selector}`);
        else if (scheme === "light") record(`${kind} present`, true, `${where}: ${found.count} picture(s), ${found.shown} shown`);
        if (scheme === "light") {
          record(`${kind} text`, found.problems.length === 0, found.problems.length ? `${where}: ${found.problems.join("; ")}` : `${where}: no overlap, all inside`);
          record(`${kind} overflow`, !found.overflow, `${where}: ${found.overflow || "no sideways scrolling"}`);
        }
        await page.evaluate(axeSource);
        const violations = await page.evaluate(async () => {
          // eslint-disable-next-line no-undef
          const r = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }, resultTypes: ["violations"] });
          return r.violations.map((v) => `${v.id} (${v.nodes.length})`);
        });
        record(`${kind} axe`, violations.length === 0, `${where}: ${violations.join(", ") || "0 violations"}`);
        const suffix = scheme === "dark" ? "-dark" : "";
        const el = await page.$(`${selector}:not([hidden])`);
        const visible = await page.$$(selector);
        for (const h of visible) {
          if ((await h.boundingBox())?.width > 0) {
            await h.screenshot({ path: path.join(shotDir, `pictures-${kind}-${width}${suffix}.png`) });
            break;
          }
        }
        if (el && scheme === "light") await page.screenshot({ path: path.join(shotDir, `pictures-${kind}-${width}-page.png`), fullPage: true });
      }
    }
  }
} finally {
  await context.close();
  server.close();
}
const failed = [...new Set(results.filter((r) => !r.ok).map((r) => r.name))];
console.log(failed.length ? `\nPictures: FAILED ${failed.join(", ")}` : `\nPictures: all ${results.length} checks passed; screenshots in ${shotDir}`);
process.exit(failed.length ? 1 : 0);
