#!/usr/bin/env bash
# Python interop venv for the tests in test/interop/: datasets, transformers, sentencepiece (and jinja2,
# which transformers needs for apply_chat_template but does not depend on) from the
# wheels in ../shared/wheels/py311, offline (no index). Idempotent: a venv that already imports
# them all is left alone. Usage: scripts/setup-python.sh  (from anywhere)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv-py"
wheels="${SFTFORGE_WHEELS:-$root/../shared/wheels/py311}"
py="${PYTHON:-python3}"

check() { "$venv/bin/python" -c 'import datasets, transformers, sentencepiece, pyarrow, jinja2' >/dev/null 2>&1; }

if [ -x "$venv/bin/python" ] && check; then
  echo "setup-python: $venv is ready"
  exit 0
fi
if [ ! -d "$wheels" ]; then
  echo "setup-python: no wheels folder at $wheels (set SFTFORGE_WHEELS to the py311 wheels)" >&2
  exit 1
fi
case "$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" in
  3.11) ;;
  *) echo "setup-python: $py is not Python 3.11 (the wheels in $wheels are cp311); set PYTHON=python3.11" >&2; exit 1 ;;
esac
"$py" -m venv "$venv"
if ! "$venv/bin/pip" install --quiet --disable-pip-version-check --no-index --find-links "$wheels" datasets transformers sentencepiece jinja2; then
  echo "setup-python: pip could not install datasets, transformers, sentencepiece, jinja2 from $wheels (offline)" >&2
  exit 1
fi
if ! check; then
  echo "setup-python: $venv was built but cannot import datasets, transformers, sentencepiece, pyarrow, jinja2" >&2
  exit 1
fi
echo "setup-python: $venv is ready"
