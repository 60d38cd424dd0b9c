#!/usr/bin/env bash
# The whole curation flow on the seed corpus, as a person would type it, then a check that it
# gives the committed release. Run it with `make demo` (which installs .venv first).
#
# Scratch files go to $DEMO_OUT (default demo-out/, git-ignored). Label Studio listens on
# 127.0.0.1:$DEMO_PORT (default 8080, or a free port when 8080 is taken) and keeps running at the
# end so the tasks can be opened in a browser. Exit status: 0 when the scratch release equals the
# committed one (exports/geonews-ie/2.0.0) and both committed releases pass `release --check`, 1
# otherwise or when a step fails.
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=${DEMO_BIN:-.venv/bin}
export PATH="$(cd "$BIN" && pwd):$PATH"
unset LABEL_STUDIO_URL LABEL_STUDIO_API_KEY  # always the demo's own server

OUT=${DEMO_OUT:-demo-out}
LS_DIR=$OUT/labelstudio
NAME=geonews-ie
VERSION=2.0.0
PREVIOUS=1.0.0
PROJECT=geonews-ie
MAINTAINERS=seed-maintainers-2026-11
SECOND=annotator-2
DECISIONS=corpus/seed/decisions-2.0.0.json
NOTES=corpus/seed/CARD_NOTES-2.0.0.md
PRETTY_NAME=GeoNews-IE
COMMITTED=${DEMO_COMMITTED:-exports/$NAME/$VERSION}
COMMITTED_PREVIOUS=exports/$NAME/$PREVIOUS
SCRATCH=$OUT/exports/$NAME/$VERSION
export CURATION_CACHE_DIR=$OUT/cache  # push's task cache: scratch too

step() { printf '\n== [%ss] %s\n' "$(($(date +%s) - started))" "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
run_to() { local file=$1; shift; printf '$ %s > %s\n' "$*" "$file"; "$@" > "$file"; }  # a long report into a file

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

step "Two annotators and a reviewer: the maintainers are the admin account; add the others"
run curation server add-user "$SECOND" --data-dir "$LS_DIR"
run curation server add-user reviewer --data-dir "$LS_DIR"

step "Push the five articles, two annotations each, with both annotation passes as pre-annotations"
run curation push --corpus corpus --predictions corpus/seed_annotations.jsonl --overlap 2 --project "$PROJECT" --data-dir "$LS_DIR"
run curation push --corpus corpus --predictions corpus/seed/annotator-2/annotator-2.jsonl --project "$PROJECT" --data-dir "$LS_DIR"

step "Each pass is submitted by its own user (real annotators would label in the browser)"
run curation accept-predictions --model-version "$MAINTAINERS" --project "$PROJECT" --data-dir "$LS_DIR" | tee "$OUT/accept.txt"
run curation accept-predictions --model-version "$SECOND" --as "$SECOND" --project "$PROJECT" --data-dir "$LS_DIR"
project_url=$(grep -o 'http://[^ ]*' "$OUT/accept.txt")

step "Pull, validate, measure agreement, list the conflicts"
run curation pull --out "$OUT/snapshot-annotated.json" --project "$PROJECT" --data-dir "$LS_DIR"
run curation validate "$OUT/snapshot-annotated.json"
run curation agreement "$OUT/snapshot-annotated.json" --plot "$OUT/agreement.png"
run_to "$OUT/conflicts.txt" curation adjudicate "$OUT/snapshot-annotated.json"
head -n 2 "$OUT/conflicts.txt"
echo "(every conflict with both versions: $OUT/conflicts.txt)"

step "The reviewer applies the committed decisions through Label Studio (ground truth)"
run_to "$OUT/resolved.txt" curation adjudicate "$OUT/snapshot-annotated.json" --decisions "$DECISIONS" --push \
    --as reviewer --project "$PROJECT" --data-dir "$LS_DIR"

step "Pull again: no conflict is left"
run curation pull --out "$OUT/snapshot.json" --project "$PROJECT" --data-dir "$LS_DIR"
run curation adjudicate "$OUT/snapshot.json" | head -n 2
run curation adjudicate "$OUT/snapshot.json" --decisions "$DECISIONS" --out "$OUT/gold.jsonl" | head -n 2

step "Release $VERSION after $PREVIOUS into the scratch exports folder"
mkdir -p "$OUT/exports/$NAME"
cp -R "$COMMITTED_PREVIOUS" "$OUT/exports/$NAME/$PREVIOUS"
run curation release "$OUT/snapshot.json" --version "$VERSION" --name "$NAME" --exports "$OUT/exports" \
    --decisions "$DECISIONS" --notes "$NOTES"

step "Score the dictionary baseline against the scratch release"
run python examples/dictionary_baseline.py --gold "$SCRATCH" --out "$OUT/dictionary.jsonl"
run curation evaluate --gold "$SCRATCH" --predictions "$OUT/dictionary.jsonl"

step "The same baseline as a token classifier: one BIO tag per token of the tokens config, scored both ways"
run python examples/dictionary_baseline.py --gold "$SCRATCH" --bio --out "$OUT/dictionary-bio.jsonl"
run curation evaluate --gold "$SCRATCH" --predictions "$OUT/dictionary-bio.jsonl"

step "Compare it with a weaker variant (English aliases only): B - A with its paired-bootstrap interval"
run python examples/dictionary_baseline.py --gold "$SCRATCH" --alias-language en --out "$OUT/dictionary-en.jsonl"
run curation compare --gold "$SCRATCH" "$OUT/dictionary-en.jsonl" "$OUT/dictionary.jsonl"

step "Verify against the committed releases"
verified=passed
run curation release --check "$COMMITTED_PREVIOUS" || verified=failed
run curation release --check "$COMMITTED" || verified=failed
run bash scripts/compare_releases.sh "$SCRATCH" "$COMMITTED" || verified=failed

step "Where everything is"
cat <<EOF
Snapshots:          $OUT/snapshot-annotated.json (two passes), $OUT/snapshot.json (after review)
Agreement heatmap:  $OUT/agreement.png
Conflicts:          $OUT/conflicts.txt, decided by $DECISIONS
Gold and decisions: $OUT/gold.jsonl
Scratch release:    $SCRATCH
Baseline output:    $OUT/dictionary.jsonl (English aliases only: $OUT/dictionary-en.jsonl)
Committed release:  $COMMITTED
Label Studio:       $project_url/data (the five tasks; log in as curation-admin@localhost,
                    password in $LS_DIR/credentials.json)
Label Studio keeps running. Stop it with:
  $BIN/curation server stop --data-dir $LS_DIR
EOF
printf '\nThe demo took %s s.\n' "$(($(date +%s) - started))"
printf 'Release: %s (built again by this demo in %s)\nVerification: %s\n' "$COMMITTED" "$SCRATCH" "$verified"
[ "$verified" = passed ]
