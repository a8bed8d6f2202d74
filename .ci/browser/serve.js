// A tiny static server for the built site, serving it under a sub-path (default
// /handbook/) so the checks prove that every link and resource is relative and works
// under any sub-path. Anything outside the sub-path is a 404, like a resource that a
// page would wrongly ask for at the host's root.
//
//   node serve.js SITE_DIR [--port 0] [--base /handbook/]
// prints "serving SITE_DIR at http://127.0.0.1:PORT/handbook/" once it listens.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".atom": "application/atom+xml; charset=utf-8",
  ".ics": "text/calendar; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".pdf": "application/pdf",
};

/** Starts the server; resolves to { server, url } once it listens on 127.0.0.1. */
export function serve(siteDir, { port = 0, base = "/handbook/" } = {}) {
  const root = path.resolve(siteDir);
  if (!base.startsWith("/")) base = "/" + base;
  if (!base.endsWith("/")) base += "/";
  const server = http.createServer((req, res) => {
    const send = (status, body, type = "text/plain; charset=utf-8", headers = {}) => {
      res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store", ...headers });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "method not allowed\n");
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
    } catch {
      return send(400, "bad request\n");
    }
    // The browser's own guess at a site icon, asked at the host's root whatever the
    // page says: not a request of the site, so answer it without an error.
    if (pathname === "/favicon.ico") return send(204, "");
    if (pathname + "/" === base) return send(301, "", undefined, { Location: base });
    if (!pathname.startsWith(base)) return send(404, `not under ${base}: ${pathname}\n`);
    let file = path.join(root, pathname.slice(base.length));
    if (file !== root && !file.startsWith(root + path.sep)) return send(403, "forbidden\n");
    let stat;
    try {
      stat = fs.statSync(file);
      if (stat.isDirectory()) {
        if (!pathname.endsWith("/")) return send(301, "", undefined, { Location: pathname + "/" });
        file = path.join(file, "index.html");
        stat = fs.statSync(file);
      }
    } catch {
      return send(404, `not found: ${pathname}\n`);
    }
    const type = TYPES[path.extname(file).toLowerCase()] || "application/octet-stream";
    res.writeHead(200, { "Content-Type": type, "Content-Length": stat.size, "Cache-Control": "no-store" });
    if (req.method === "HEAD") return res.end();
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const url = `http://127.0.0.1:${server.address().port}${base}`;
      resolve({ server, url });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => {
    const i = args.indexOf(name);
    if (i < 0) return dflt;
    const v = args[i + 1];
    args.splice(i, 2);
    return v;
  };
  const port = Number(opt("--port", "0"));
  const base = opt("--base", "/handbook/");
  const dir = args[0];
  if (!dir) {
    console.error("usage: node serve.js SITE_DIR [--port N] [--base /handbook/]");
    process.exit(2);
  }
  const { url } = await serve(dir, { port, base });
  console.log(`serving ${dir} at ${url}`);
}
