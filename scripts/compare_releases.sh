#!/usr/bin/env bash
# compare_releases.sh NEW OLD: are two builds of one release the same dataset, byte for byte?
#
# Every file must be in both folders and identical, except the three that record where and when
# the annotations were pulled: release.json (snapshot hash and time), MANIFEST.sha256 (it lists
# their hashes) and source/ (annotation records with Label Studio's ids and timestamps). A fresh
# Label Studio gives the same annotations new ids and times, so those legitimately differ; the
# data files, the card (README.md) and CHANGELOG.md must not. Exit 0 when they match, 1 otherwise.
set -euo pipefail

if [ $# -ne 2 ] || [ ! -d "$1" ] || [ ! -d "$2" ]; then
    echo "usage: compare_releases.sh NEW_RELEASE_DIR OLD_RELEASE_DIR (both existing folders)" >&2
    exit 2
fi
new=$1 old=$2

compared() {  # the files that must be identical, relative to the release folder, sorted
    (cd "$1" && find . -type f ! -path './source/*' ! -name release.json ! -name MANIFEST.sha256 | sed 's|^\./||' | LC_ALL=C sort)
}

problems=0
while IFS= read -r line; do
    echo "$line"
    problems=$((problems + 1))
done < <(
    LC_ALL=C comm -23 <(compared "$new") <(compared "$old") | sed 's/^/only in the new release: /'
    LC_ALL=C comm -13 <(compared "$new") <(compared "$old") | sed 's/^/only in the old release: /'
    LC_ALL=C comm -12 <(compared "$new") <(compared "$old") | while IFS= read -r file; do
        cmp -s "$new/$file" "$old/$file" || echo "differs: $file"
    done
)
count=$(compared "$old" | wc -l)
if [ "$problems" -eq 0 ]; then
    echo "Same dataset: all $count data, card and changelog files of $new are byte-identical to $old."
    echo "Not compared: release.json, MANIFEST.sha256 and source/, which record the snapshot (its hash, Label Studio's"
    echo "ids and timestamps); a fresh Label Studio gives the same annotations new ones, so these files legitimately differ."
else
    echo "Different: $problems of the data, card and changelog files above do not match between $new and $old." >&2
    exit 1
fi
