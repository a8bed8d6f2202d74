#!/usr/bin/env python3
"""Live-preview benchmark: `tebiki serve`, `hugo server` and `zola serve` on the same
synthetic site (benches/synth.rs with --zola; Zola from benches/get-zola.sh).

    benches/serve_latency.py --tool tebiki --site /dev/shm/synth10k/tebiki --work /dev/shm/me
    benches/serve_latency.py --tool hugo   --site /dev/shm/synth10k/hugo   --work /dev/shm/me
    benches/serve_latency.py --tool zola   --site /dev/shm/synth10k/zola   --work /dev/shm/me \
        --zola /tmp/zola/zola --wait 600

The site is copied into --work first (the original is never edited). Measured, per tool:
  - body edit: a paragraph appended to a survey's file, from the moment the write is
    closed to the moment the reload message reaches a client (tebiki: its Server-Sent
    Events stream; Hugo and Zola: their livereload WebSocket), median of --runs;
  - retitle: the title of the most referenced law changed, the same way;
  - memory: the server's resident set (VmRSS) and peak (VmHWM) after the edits, and the
    peak of one clean build of the same site (GNU time's maximum RSS);
  - idle CPU: user + system time the server used over --idle seconds with no edits.
Zola runs inside Node.js (the npm package's binding), so its memory includes Node's.
Python standard library only; prints one Markdown table row per measure.
"""
import argparse
import base64
import json
import os
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sse_listener(port, events):
    """tebiki: reads `event:` lines of the event stream, queues (time, name)."""
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /__tebiki/events HTTP/1.1\r\nHost: x\r\n\r\n")
    f = s.makefile("rb")
    for line in f:
        if line.startswith(b"event: "):
            events.put((time.perf_counter(), line[7:].strip().decode()))


def zola_listener(port, events):
    """Zola: its livereload WebSocket listens on a port of its own, named in each page."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
        page = r.read().decode("utf-8", "replace")
    m = re.search(r"livereload\.js\?port=(\d+)", page)
    if not m:
        sys.exit("zola's page names no livereload port")
    ws_listener(int(m.group(1)), events)


def ws_listener(port, events):
    """Hugo: a minimal WebSocket client of its livereload endpoint, queues reloads."""
    s = socket.create_connection(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(
        (
            f"GET /livereload HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    f = s.makefile("rb")
    while f.readline() not in (b"\r\n", b""):
        pass
    hello = json.dumps(
        {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}
    ).encode()
    mask = os.urandom(4)
    frame = bytes([0x81, 0x80 | len(hello)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(hello))
    s.sendall(frame)
    while True:
        head = f.read(2)
        if len(head) < 2:
            return
        n = head[1] & 0x7F
        if n == 126:
            n = int.from_bytes(f.read(2), "big")
        elif n == 127:
            n = int.from_bytes(f.read(8), "big")
        payload = f.read(n)
        if head[0] & 0x0F == 1 and b'"reload"' in payload:
            events.put((time.perf_counter(), "reload"))


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_kib(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1])
    return out


def wait_ready(port, proc, timeout=900):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                if r.status == 200:
                    return
        except Exception:
            time.sleep(0.2)
    sys.exit("the server did not answer")


def add_references(surveys, count):
    """Adds law-00613 to the `laws:` list of `count` surveys that do not name it yet."""
    added = 0
    for name in sorted(os.listdir(surveys)):
        if added == count:
            return
        path = os.path.join(surveys, name)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if "\nlaws: [" not in text or "law-00613" in text:
            continue
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace("\nlaws: [", "\nlaws: [law-00613, ", 1))
        added += 1
    sys.exit(f"only {added} surveys could name law-00613")


def measure_edits(path, edit, events, runs, settle, wait):
    latencies = []
    for n in range(runs):
        while not events.empty():
            events.get()
        with open(path, encoding="utf-8") as f:
            text = f.read()
        new = edit(text, n)
        with open(path, "w", encoding="utf-8") as f:
            f.write(new)
        t0 = time.perf_counter()
        name = None
        # tebiki's "data" event (search index and exports, made after the pages) of an
        # earlier edit is not this edit's reload.
        while name != "reload":
            try:
                t, name = events.get(timeout=wait)
            except queue.Empty:
                sys.exit(f"no reload within {wait} s after editing {path}")
        latencies.append((t - t0) * 1000)
        time.sleep(settle)
    return latencies


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", choices=["tebiki", "hugo", "zola"], required=True)
    ap.add_argument("--site", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--idle", type=int, default=30)
    ap.add_argument("--settle", type=float, default=1.5)
    ap.add_argument("--tebiki", default=os.path.join(REPO, "target/release/tebiki"))
    ap.add_argument("--zola", default="zola")
    ap.add_argument("--wait", type=float, default=60, help="seconds to wait for a reload")
    ap.add_argument("--refs", type=int, default=0,
                    help="tebiki: first make this many more surveys name law-00613 in `laws:`, "
                         "so its retitle changes about that many more pages")
    args = ap.parse_args()

    site = os.path.join(args.work, f"site-{args.tool}")
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(args.site, site)
    out = os.path.join(args.work, f"out-{args.tool}")
    shutil.rmtree(out, ignore_errors=True)
    if args.refs and args.tool == "tebiki":
        add_references(os.path.join(site, "content", "surveys"), args.refs)

    # The peak of a clean build of the same site.
    if args.tool == "tebiki":
        build = [args.tebiki, "build", "--root", site, "--output", out]
    elif args.tool == "zola":
        build = [args.zola, "--root", site, "build", "--output-dir", out, "--force"]
    else:
        build = ["hugo", "--quiet", "--source", site, "--destination", out]
    timed = subprocess.run(
        ["/usr/bin/time", "-f", "%M"] + build, capture_output=True, text=True
    )
    if timed.returncode != 0:
        sys.exit(f"clean build failed:\n{timed.stderr}")
    build_peak = int(timed.stderr.strip().splitlines()[-1])
    shutil.rmtree(out, ignore_errors=True)

    port = free_port()
    if args.tool == "tebiki":
        cmd = [args.tebiki, "serve", "--root", site, "--port", str(port)]
        content = os.path.join(site, "content")
    elif args.tool == "zola":
        cmd = [args.zola, "--root", site, "serve", "--interface", "127.0.0.1", "--port", str(port)]
        content = os.path.join(site, "content")
    else:
        cmd = ["hugo", "server", "--source", site, "--port", str(port), "--bind", "127.0.0.1",
               "--noHTTPCache", "--quiet"]
        content = os.path.join(site, "content")
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(port, proc)
        startup = time.perf_counter() - started
        events = queue.Queue()
        listener = {"tebiki": sse_listener, "hugo": ws_listener, "zola": zola_listener}[args.tool]
        threading.Thread(target=listener, args=(port, events), daemon=True).start()
        time.sleep(2)
        while not events.empty():
            events.get()

        body = measure_edits(
            os.path.join(content, "surveys", "survey-00010.md"),
            lambda text, n: text + f"\n追記の段落 {n}。\n",
            events, args.runs, args.settle, args.wait,
        )

        def retitle(text, n):
            lines = text.split("\n")
            # Zola's front matter is TOML.
            sep = " =" if args.tool == "zola" else ":"
            lines[1] = f'title{sep} "改題した法律 {n}"'
            return "\n".join(lines)

        titles = measure_edits(
            os.path.join(content, "laws", "law-00613.md"), retitle, events, args.runs,
            args.settle, args.wait,
        )
        mem = memory_kib(proc.pid)
        time.sleep(3)
        c0 = cpu_seconds(proc.pid)
        time.sleep(args.idle)
        idle = cpu_seconds(proc.pid) - c0
    finally:
        proc.terminate()
        proc.wait()

    med = statistics.median
    print(f"| {args.tool} | startup to first answer | {startup:.2f} s |")
    print(f"| {args.tool} | body edit → reload message, median of {args.runs} (min–max) | "
          f"{med(body):.0f} ms ({min(body):.0f}–{max(body):.0f}) |")
    refs = f" ({args.refs} references added)" if args.refs and args.tool == "tebiki" else ""
    print(f"| {args.tool} | retitle of law-00613{refs} → reload message, median of {args.runs} (min–max) | "
          f"{med(titles):.0f} ms ({min(titles):.0f}–{max(titles):.0f}) |")
    print(f"| {args.tool} | server RSS after the edits / its peak | "
          f"{mem['VmRSS'] / 1024:.0f} MiB / {mem['VmHWM'] / 1024:.0f} MiB |")
    print(f"| {args.tool} | peak RSS of one clean build | {build_peak / 1024:.0f} MiB |")
    print(f"| {args.tool} | CPU used while idle for {args.idle} s | {idle:.2f} s |")


if __name__ == "__main__":
    main()
