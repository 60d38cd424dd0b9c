#!/usr/bin/env bash
# The whole curation flow on the seed corpus, as a person would type it, then a check that it
# gives the committed release. Run it with `make demo` (which installs .venv first).
#
# Scratch files go to $DEMO_OUT (default demo-out/, git-ignored). Label Studio listens on
# 127.0.0.1:$DEMO_PORT (default 8080, or a free port when 8080 is taken) and keeps running at the
# end so the tasks can be opened in a browser. Exit status: 0 when the scratch release equals the
# committed one (exports/geonews-ie/1.0.0), 1 otherwise or when a step fails.
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=${DEMO_BIN:-.venv/bin}
export PATH="$(cd "$BIN" && pwd):$PATH"
unset LABEL_STUDIO_URL LABEL_STUDIO_API_KEY  # always the demo's own server

OUT=${DEMO_OUT:-demo-out}
LS_DIR=$OUT/labelstudio
NAME=geonews-ie
VERSION=1.0.0
PROJECT=geonews-ie
MODEL=seed-maintainers-2026-11
NOTES=corpus/seed/CARD_NOTES.md
PRETTY_NAME=GeoNews-IE
COMMITTED=${DEMO_COMMITTED:-exports/$NAME/$VERSION}
SCRATCH=$OUT/exports/$NAME/$VERSION
export CURATION_CACHE_DIR=$OUT/cache  # push's task cache: scratch too

step() { printf '\n== [%ss] %s\n' "$(($(date +%s) - started))" "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

started=$(date +%s)

step "Stop a Label Studio left by a previous demo, start from a clean folder"
if [ -d "$LS_DIR" ]; then run curation server stop --data-dir "$LS_DIR"; fi
rm -rf "$OUT"
mkdir -p "$OUT"
PORT=${DEMO_PORT:-$(python -c 'import socket
s = socket.socket()
try:
    s.bind(("127.0.0.1", 8080)); print(8080)
except OSError:
    s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
run curation server start --port "$PORT" --data-dir "$LS_DIR"

step "Push the five articles with the maintainers' pre-annotations"
run curation push --corpus corpus --predictions corpus/seed_annotations.jsonl --project "$PROJECT" --data-dir "$LS_DIR"

step "Accept the pre-annotations as annotations (a real project has annotators do this in the browser)"
run curation accept-predictions --model-version "$MODEL" --project "$PROJECT" --data-dir "$LS_DIR" | tee "$OUT/accept.txt"
project_url=$(grep -o 'http://[^ ]*' "$OUT/accept.txt")

step "Pull a snapshot, validate it, adjudicate the gold"
run curation pull --out "$OUT/snapshot.json" --project "$PROJECT" --data-dir "$LS_DIR"
run curation validate "$OUT/snapshot.json"
run curation adjudicate "$OUT/snapshot.json" --out "$OUT/gold.jsonl"

step "Release it into the scratch exports folder (tokenizer rule 1, the rule 1.0.0 was cut with)"
run curation release "$OUT/snapshot.json" --version "$VERSION" --name "$NAME" --exports "$OUT/exports" --notes "$NOTES" \
    --pretty-name "$PRETTY_NAME" --annotations-creators expert-generated --tokenizer 1

step "Score the dictionary baseline against the scratch release"
run python examples/dictionary_baseline.py --gold "$SCRATCH" --out "$OUT/dictionary.jsonl"
run curation evaluate --gold "$SCRATCH" --predictions "$OUT/dictionary.jsonl"

step "Verify against the committed release $COMMITTED"
verified=passed
run curation release --check "$COMMITTED" || verified=failed
run bash scripts/compare_releases.sh "$SCRATCH" "$COMMITTED" || verified=failed

step "Where everything is"
cat <<EOF
Snapshot:           $OUT/snapshot.json (and .sha256)
Gold and decisions: $OUT/gold.jsonl
Scratch release:    $SCRATCH
Baseline output:    $OUT/dictionary.jsonl
Committed release:  $COMMITTED
Label Studio:       $project_url/data (the five tasks; log in as curation-admin@localhost,
                    password in $LS_DIR/credentials.json)
Label Studio keeps running. Stop it with:
  $BIN/curation server stop --data-dir $LS_DIR
EOF
printf '\nThe demo took %s s.\n' "$(($(date +%s) - started))"
printf 'Release: %s (built again by this demo in %s)\nVerification: %s\n' "$COMMITTED" "$SCRATCH" "$verified"
[ "$verified" = passed ]
