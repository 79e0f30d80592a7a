#!/bin/bash
# clean → merge → tokenize → merge on a Slurm cluster, as four jobs chained with dependencies.
#
#   scripts/slurm/run.sh RANKS INPUT OUT_DIR [TOKENIZER] [TEMPLATE]
#   scripts/slurm/run.sh 8 /shared/raw /shared/out qwen3 chatml
#
# Writes OUT_DIR/clean.jsonl (+ .rejects.jsonl, .report.json) and OUT_DIR/dataset/. Submit it
# again after a failure: finished ranks are skipped. Change the clean/tokenize options below.
set -euo pipefail
if [[ $# -lt 3 ]]; then
  sed -n '2,9p' "$0" >&2
  exit 2
fi
RANKS=$1 IN=$2 OUT=$3 TOKENIZER=${4:-qwen3} TEMPLATE=${5:-chatml}
HERE=$(cd "$(dirname "$0")" && pwd)
ARRAY="--array=0-$((RANKS - 1))"

clean=$(sbatch --parsable --job-name=sftforge-clean "$ARRAY" "$HERE/sftforge-array.sbatch" \
  clean "$IN" -o "$OUT/clean.jsonl" --near-dedup 0.8)
merge_clean=$(sbatch --parsable --dependency="afterok:$clean" "$HERE/sftforge-merge.sbatch" "$OUT/clean.jsonl")
tokenize=$(sbatch --parsable --job-name=sftforge-tokenize --dependency="afterok:$merge_clean" "$ARRAY" "$HERE/sftforge-array.sbatch" \
  tokenize "$OUT/clean.jsonl" -o "$OUT/dataset" --tokenizer "$TOKENIZER" --template "$TEMPLATE" --max-len 2048)
merge_tok=$(sbatch --parsable --dependency="afterok:$tokenize" "$HERE/sftforge-merge.sbatch" "$OUT/dataset")
echo "submitted: clean $clean → merge $merge_clean → tokenize $tokenize → merge $merge_tok"
