#!/usr/bin/env bash
# The main job, as in OpenChat: ./run_data_pipeline.sh [INPUT_FOLDER] [OUTPUT_FOLDER]
# (defaults: the bundled examples/ and out/). The steps live in pipelines/openchat.yaml.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
input=${1:-$here/examples}
output=${2:-out}
if [ ! -f "$here/dist/cli/main.js" ]; then
  (cd "$here" && npm run --silent build)
fi
mkdir -p "$output"
exec "$here/dist/cli/main.js" pipeline "$here/pipelines/openchat.yaml" --set "input=$input" --set "output=$output"
