// The whole handbook printed: print/ (one page holding every published item) is printed
// to PDF by `chromium --headless --print-to-pdf`, the PDF's text is extracted with
// pdftotext (poppler-utils), and every published item's title (from data.json) must be
// in it, as must the schedule's and the contact list's headings.
//
//   node print.mjs SITE_DIR [--out FILE.pdf]
//
// Exits 1 when a title is missing or no PDF is written. A site too large for a print
// document (no print/index.html; see docs/performance.md) is reported and passes.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";

const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const argv = process.argv.slice(2);
const outIndex = argv.indexOf("--out");
const site = argv[0] && path.resolve(argv[0]);
if (!site || !fs.existsSync(path.join(site, "data.json"))) {
  console.error("usage: node print.mjs SITE_DIR [--out FILE.pdf] (SITE_DIR must hold a built site)");
  process.exit(2);
}
const pdf = outIndex >= 0 ? path.resolve(argv[outIndex + 1]) : path.join(os.tmpdir(), `tebiki-print-${process.pid}.pdf`);

console.log("\n== Print: print/ (the whole handbook) to PDF ==");
const doc = path.join(site, "print", "index.html");
if (!fs.existsSync(doc)) {
  console.log("SKIP  print-all: the site has no print/ (too many items for a print document)");
  process.exit(0);
}

// Japanese text survives extraction, but spacing and line breaks do not, and a few
// characters come back in compatibility forms: compare without whitespace, NFKC.
const norm = (s) => s.normalize("NFKC").replace(/\s+/g, "");

const data = JSON.parse(fs.readFileSync(path.join(site, "data.json"), "utf8"));
const wanted = data.items.map((i) => ({ what: `${i.kind}/${i.id}`, title: i.title }));
wanted.push({ what: "site", title: data.site.title });
wanted.push({ what: "contacts", title: "施策照会先一覧" });

fs.mkdirSync(path.dirname(pdf), { recursive: true });
const profile = fs.mkdtempSync(path.join(os.tmpdir(), "tebiki-print-all-"));
fs.rmSync(pdf, { force: true });
const started = Date.now();
const args = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  `--user-data-dir=${profile}`,
  "--no-pdf-header-footer",
  `--print-to-pdf=${pdf}`,
  pathToFileURL(doc).href,
];
const r = spawnSync(CHROMIUM, args, { encoding: "utf8", timeout: 600000 });
fs.rmSync(profile, { recursive: true, force: true });
if (!fs.existsSync(pdf)) {
  console.log((r.stderr || "").split("\n").filter((l) => !/dbus/i.test(l)).join("\n"));
  console.log(`FAIL  print-all: chromium wrote no PDF (exit ${r.status}${r.signal ? ", " + r.signal : ""})`);
  process.exit(1);
}
const info = spawnSync("pdfinfo", [pdf], { encoding: "utf8" });
const pages = Number(((info.stdout || "").match(/^Pages:\s+(\d+)/m) || [])[1]);
const t = spawnSync("pdftotext", ["-enc", "UTF-8", pdf, "-"], { encoding: "utf8", maxBuffer: 1 << 30 });
if (t.status !== 0) {
  console.log(`FAIL  print-all: pdftotext failed: ${t.stderr}`);
  process.exit(1);
}
const text = norm(t.stdout);
const missing = wanted.filter((w) => !text.includes(norm(w.title)));
for (const m of missing.slice(0, 20)) console.log(`  missing: ${m.what} 「${m.title}」`);
const secs = ((Date.now() - started) / 1000).toFixed(0);
if (missing.length > 0) {
  console.log(`FAIL  print-all: ${missing.length} of ${wanted.length} titles are not in the PDF's text (${pages} pages) — ${pdf}`);
  process.exit(1);
}
console.log(`PASS  print-all: all ${wanted.length} titles (${data.items.length} items) are in the PDF's text; ${pages} A4 pages in ${secs} s — ${pdf}`);
