#!/usr/bin/env bash
# Seeds tests/fuzz/corpus/check_files/ from the repository's content/ (and the test
# fixtures): every Markdown item and schedule in the input slot of its kind (see
# fuzz_targets/check_files.rs: parts separated by 0xFF), plus a few whole-site mixes.
# The corpus is generated, not committed.
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=tests/fuzz/corpus/check_files
mkdir -p "$out"
sep() { printf '\xff'; }
# slot index by kind: surveys 0, laws 1, pages 2, schedule 3, roadmap 4, _index.md 5
seed() { # slot file
  local slot=$1 file=$2 name
  name=$(printf '%s' "$file" | tr '/' '_')
  { for ((i = 0; i < slot; i++)); do sep; done; cat "$file"; } >"$out/seed-$name"
}
for root in content tests/fixtures/*/content; do
  [ -d "$root" ] || continue
  for f in "$root"/surveys/*.md; do [ -e "$f" ] && seed 0 "$f"; done
  for f in "$root"/laws/*.md; do [ -e "$f" ] && seed 1 "$f"; done
  while IFS= read -r -d '' f; do seed 2 "$f"; done < <(find "$root/pages" -name '*.md' -print0 2>/dev/null)
  for f in "$root"/schedule/*.yaml; do [ -e "$f" ] && seed 3 "$f"; done
  for f in "$root"/roadmap/*.md; do [ -e "$f" ] && seed 4 "$f"; done
  [ -e "$root/_index.md" ] && seed 5 "$root/_index.md"
done
# Whole sites: one file of each kind together, so cross-file links resolve.
n=0
for s in content/surveys/*.md; do
  l=$(ls content/laws/*.md | sed -n "$((n % $(ls content/laws/*.md | wc -l) + 1))p")
  p=$(ls content/pages/*.md | sed -n "$((n % $(ls content/pages/*.md | wc -l) + 1))p")
  r=$(ls content/roadmap/*.md | sed -n "$((n % $(ls content/roadmap/*.md | wc -l) + 1))p")
  { cat "$s"; sep; cat "$l"; sep; cat "$p"; sep; cat content/schedule/2022.yaml; sep; cat "$r"; sep; cat content/_index.md; } \
    >"$out/site-$n"
  n=$((n + 1))
  [ "$n" -ge 8 ] && break
done
echo "$(ls "$out" | wc -l) files in $out"
