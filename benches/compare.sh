#!/usr/bin/env bash
# Build-time benchmark: tebiki against Hugo (and Zola, when installed) on the same
# synthetic sites. See benches/README.md.
#
#   benches/compare.sh [N ...]          default: 1000 10000
#
# Environment:
#   TOOLS="tebiki hugo"   tools to run (default: tebiki hugo, plus zola if on PATH);
#                         TOOLS=hugo runs Hugo alone, without building the crate
#   RUNS=5                timed clean builds per tool and size
#   WARMUP=1              untimed builds per tool and size before the timed ones
#   SEED=1                seed of the synthetic site
#   TEBIKI_BIN=path       benchmark this tebiki binary instead of `cargo build --release`'s
#   BENCH_DIR=/dev/shm/tebiki-bench   where sites and outputs go (keep it on tmpfs)
#
# The report (Markdown) goes to stdout and to $BENCH_DIR/report.md; progress to stderr.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

SIZES=("$@")
if [ ${#SIZES[@]} -eq 0 ]; then SIZES=(1000 10000); fi
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
SEED=${SEED:-1}
BENCH=${BENCH_DIR:-/dev/shm/tebiki-bench}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

say() { echo "compare.sh: $*" >&2; }
die() { echo "compare.sh: error: $*" >&2; exit 1; }

for n in "${SIZES[@]}"; do
    if ! [[ $n =~ ^[0-9]+$ ]] || [ "$n" -eq 0 ]; then
        die "not a page count: '$n' (usage: benches/compare.sh [N ...])"
    fi
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, not '$RUNS'"
[[ $WARMUP =~ ^[0-9]+$ ]] || die "WARMUP must be a non-negative integer, not '$WARMUP'"

if [ -n "${TOOLS:-}" ]; then
    read -r -a TOOL_LIST <<<"$TOOLS"
else
    TOOL_LIST=(tebiki hugo)
    if command -v zola >/dev/null 2>&1; then TOOL_LIST+=(zola); fi
fi
[ ${#TOOL_LIST[@]} -gt 0 ] || die "TOOLS is empty"
has_tool() { local t; for t in "${TOOL_LIST[@]}"; do [ "$t" = "$1" ] && return 0; done; return 1; }
for t in "${TOOL_LIST[@]}"; do
    case $t in tebiki | hugo | zola) ;; *) die "unknown tool '$t' in TOOLS (tebiki, hugo, zola)" ;; esac
done

# ------------------------------------------------------------------ prerequisites

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
APT_UPDATED=
apt_install() {
    say "installing Debian package '$1'"
    if [ -z "$APT_UPDATED" ]; then
        as_root apt-get update -qq >&2 || true
        APT_UPDATED=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >&2 ||
        die "could not install '$1' (apt-get install -y $1)"
}
[ -x /usr/bin/time ] || apt_install time
if has_tool hugo && ! command -v hugo >/dev/null 2>&1; then apt_install hugo; fi
if has_tool zola && ! command -v zola >/dev/null 2>&1; then
    die "TOOLS names zola, but zola is not on PATH (it is not packaged in Debian)"
fi
command -v rustc >/dev/null 2>&1 || die "rustc not found (needed to build benches/synth.rs)"

mkdir -p "$BENCH" "$TARGET_DIR/bench"

# The generator is std-only: compile it with rustc directly, so that it builds even
# while the crate itself does not (`cargo run --release --example synth` is the same).
SYNTH=$TARGET_DIR/bench/synth
if [ ! -x "$SYNTH" ] || [ benches/synth.rs -nt "$SYNTH" ]; then
    say "compiling benches/synth.rs"
    rustc -O --edition 2021 benches/synth.rs -o "$SYNTH" || die "benches/synth.rs does not compile"
fi

TEBIKI=${TEBIKI_BIN:-$TARGET_DIR/release/tebiki}
if has_tool tebiki && [ -n "${TEBIKI_BIN:-}" ]; then
    [ -x "$TEBIKI" ] || die "TEBIKI_BIN=$TEBIKI is not an executable"
elif has_tool tebiki; then
    say "cargo build --release"
    cargo build --release >&2 ||
        die "cargo build --release failed (TOOLS=hugo benches/compare.sh ... benchmarks Hugo alone)"
    [ -x "$TEBIKI" ] || die "$TEBIKI was not built"
fi

SYNTH_FLAGS=()
if has_tool zola; then SYNTH_FLAGS+=(--zola); fi
HUGO_FLAGS=()
if has_tool hugo && hugo --help 2>&1 | grep -q -- '--noBuildLock'; then HUGO_FLAGS+=(--noBuildLock); fi

# ------------------------------------------------------------------ measuring

# run_once TOOL N: one clean build; prints "wall_s peak_rss_kib user_s sys_s".
run_once() {
    local tool=$1 n=$2
    local src=$BENCH/$n out=$BENCH/out-$n-$tool
    local log=$BENCH/log-$n-$tool.txt tf=$BENCH/time-$n-$tool.txt
    local -a cmd
    case $tool in
        tebiki) cmd=("$TEBIKI" build --root "$src/tebiki" --output "$out") ;;
        hugo) cmd=(hugo --quiet --source "$src/hugo" --destination "$out" "${HUGO_FLAGS[@]}") ;;
        zola) cmd=(zola --root "$src/zola" build --output-dir "$out") ;;
    esac
    rm -rf "$out"
    if ! /usr/bin/time -f '%e %M %U %S' -o "$tf" "${cmd[@]}" >"$log" 2>&1; then
        {
            echo "compare.sh: error: $tool failed on N=$n"
            echo "  command: ${cmd[*]}"
            echo "  $(head -n 1 "$tf" 2>/dev/null)"
            echo "  last lines of its output ($log):"
            tail -n 40 "$log" | sed 's/^/    /'
        } >&2
        exit 1
    fi
    if [ ! -f "$out/index.html" ]; then
        {
            echo "compare.sh: error: $tool exited 0 on N=$n but wrote no $out/index.html"
            echo "  command: ${cmd[*]}"
            tail -n 40 "$log" | sed 's/^/    /'
        } >&2
        exit 1
    fi
    tail -n 1 "$tf"
}

# median: the median of numbers, one a line, on stdin.
median() {
    sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# stats FILE: "median_wall min_wall max_wall median_rss_kib median_cpu_s" of run_once lines.
stats() {
    local f=$1
    printf '%s %s %s %s %s\n' \
        "$(cut -d' ' -f1 "$f" | median)" \
        "$(cut -d' ' -f1 "$f" | sort -g | head -n 1)" \
        "$(cut -d' ' -f1 "$f" | sort -g | tail -n 1)" \
        "$(cut -d' ' -f2 "$f" | median)" \
        "$(awk '{ print $3 + $4 }' "$f" | median)"
}

# counts DIR: "html_files all_files bytes"
counts() {
    local d=$1
    printf '%s %s %s\n' \
        "$(find "$d" -type f -name '*.html' | wc -l)" \
        "$(find "$d" -type f | wc -l)" \
        "$(du -sb "$d" | cut -f1)"
}

REPORT=$BENCH/report.md
: >"$REPORT"
out() { echo "$*" | tee -a "$REPORT"; }

out "## tebiki build benchmark"
out ""
out "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
out "- machine: $(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || echo '?'), $(awk '/^MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
out "- tools: ${TOOL_LIST[*]}; $RUNS timed clean builds each (after $WARMUP untimed), alternating; seed $SEED"
out "- sites and outputs under $BENCH ($(df -T "$BENCH" | awk 'NR==2 {print $2}'))"
if has_tool tebiki; then
    if rev=$(git rev-parse --short HEAD 2>/dev/null); then
        git diff --quiet HEAD -- 2>/dev/null || rev="$rev + local changes"
    else
        rev="no commit yet"
    fi
    out "- tebiki: $rev"
fi
if has_tool hugo; then out "- $(hugo version)"; fi
if has_tool zola; then out "- $(zola --version)"; fi

declare -A MED MEDRSS
ROWS=()
INPUT_ROWS=()
COUNT_ROWS=()

for n in "${SIZES[@]}"; do
    src=$BENCH/$n
    say "N=$n: generating $src"
    gen=$("$SYNTH" --pages "$n" --out "$src" --seed "$SEED" "${SYNTH_FLAGS[@]}") ||
        die "synth failed for N=$n"
    echo "  ${gen//$'\n'/$'\n'  }" >&2
    md_bytes=$(echo "$gen" | sed -n 's/.*Markdown items \([0-9]*\) bytes.*/\1/p')
    per_page=$(echo "$gen" | sed -n 's/.* \([0-9]*\) bytes\/page.*/\1/p')

    for tool in "${TOOL_LIST[@]}"; do : >"$BENCH/results-$n-$tool.txt"; done
    for ((w = 1; w <= WARMUP; w++)); do
        for tool in "${TOOL_LIST[@]}"; do
            say "N=$n warm-up $w/$WARMUP: $tool"
            run_once "$tool" "$n" >/dev/null
        done
    done
    for ((i = 1; i <= RUNS; i++)); do
        for tool in "${TOOL_LIST[@]}"; do
            r=$(run_once "$tool" "$n")
            echo "$r" >>"$BENCH/results-$n-$tool.txt"
            read -r wall rss user sys <<<"$r"
            say "N=$n run $i/$RUNS: $tool: $wall s wall, $((rss / 1024)) MiB peak, ${user} s user + ${sys} s sys"
        done
    done

    for tool in "${TOOL_LIST[@]}"; do
        read -r med min max rss cpu < <(stats "$BENCH/results-$n-$tool.txt")
        MED[$n-$tool]=$med
        MEDRSS[$n-$tool]=$rss
        ROWS+=("$n $tool $med $min $max $rss $cpu")
        read -r html files bytes < <(counts "$BENCH/out-$n-$tool")
        COUNT_ROWS+=("| $n | $tool | $html | $files | $(awk -v b="$bytes" 'BEGIN {printf "%.1f", b/1048576}') |")
    done
    INPUT_ROWS+=("| $n | $(find "$src/tebiki/content" -name '*.md' | wc -l) | $per_page | $(awk -v b="$md_bytes" 'BEGIN {printf "%.1f", b/1048576}') |")
done

ratio() { # VALUE HUGO_VALUE
    if [ -n "$2" ]; then
        awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a/b; else print "—" }'
    else
        echo "—"
    fi
}

out ""
out "### Input"
out ""
out "| N | Markdown items | bytes/item (mean) | Markdown MiB |"
out "|---:|---:|---:|---:|"
for row in "${INPUT_ROWS[@]}"; do out "$row"; done
out ""
out "### Clean build, wall time and peak memory"
out ""
out "| N | tool | median s | min s | max s | median peak MiB | median CPU s | time ×Hugo | memory ×Hugo |"
out "|---:|---|---:|---:|---:|---:|---:|---:|---:|"
for row in "${ROWS[@]}"; do
    read -r n tool med min max rss cpu <<<"$row"
    out "| $n | $tool | $(printf '%.2f' "$med") | $(printf '%.2f' "$min") | $(printf '%.2f' "$max") | $(awk -v r="$rss" 'BEGIN {printf "%.1f", r/1024}') | $(printf '%.2f' "$cpu") | $(ratio "$med" "${MED[$n-hugo]:-}") | $(ratio "$rss" "${MEDRSS[$n-hugo]:-}") |"
done
out ""
out "### Output of the last build"
out ""
out "| N | tool | HTML files | all files | MiB |"
out "|---:|---|---:|---:|---:|"
for row in "${COUNT_ROWS[@]}"; do out "$row"; done
out ""
out "CPU s: user + system time of the process and its threads (above the wall time: it used more than one core)."
out "×Hugo: the tool's median divided by Hugo's (below 1: faster / smaller than Hugo)."
say "report saved to $REPORT"
