#!/bin/bash
# clean → merge → tokenize → merge on Kubernetes with the manifests beside this script
# (edit image, claim, ranks and options there first). Rerunnable: finished ranks are skipped.
#
#   scripts/k8s/run.sh [NAMESPACE]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
K="kubectl ${1:+--namespace $1}"

stage() { # NAME RANKS_MANIFEST MERGE_PATH
  $K delete job "sftforge-$1" "sftforge-$1-merge" --ignore-not-found
  $K apply -f "$2"
  $K wait --for=condition=complete "job/sftforge-$1" --timeout=48h
  sed "s|__NAME__|$1|; s|__PATH__|$3|" "$HERE/merge-job.yaml" | $K apply -f -
  $K wait --for=condition=complete "job/sftforge-$1-merge" --timeout=12h
}

stage clean "$HERE/clean-indexed-job.yaml" /data/out/clean.jsonl
stage tokenize "$HERE/tokenize-indexed-job.yaml" /data/out/dataset
echo "done: /data/out/clean.jsonl and /data/out/dataset on the sftforge-data volume"
