#!/usr/bin/env bash
# Puts the peers that scripts/bench-peers.mjs runs into the git-ignored .peers/ folder, from local
# git clones (nothing is downloaded here): FastChat's clean_sharegpt.py at commit 0e6d3e4b and
# markdownify 0.11.6, each with its LICENSE. Then the Python side: beautifulsoup4 and jinja2 into
# .venv-py from ../shared/wheels/py311 (scripts/setup-python.sh makes the venv itself).
# usage: scripts/peers/checkout.sh FASTCHAT_GIT_DIR MARKDOWNIFY_GIT_DIR
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
fastchat_git="${1:?usage: checkout.sh FASTCHAT_GIT_DIR MARKDOWNIFY_GIT_DIR (clones of lm-sys/FastChat and matthewwithanm/python-markdownify)}"
markdownify_git="${2:?usage: checkout.sh FASTCHAT_GIT_DIR MARKDOWNIFY_GIT_DIR}"
mkdir -p "$root/.peers/FastChat" "$root/.peers/python-markdownify"
git --git-dir="$fastchat_git" archive 0e6d3e4b fastchat/__init__.py fastchat/data/__init__.py fastchat/data/clean_sharegpt.py LICENSE | tar -x -C "$root/.peers/FastChat"
git --git-dir="$markdownify_git" archive 0.11.6 markdownify LICENSE | tar -x -C "$root/.peers/python-markdownify"
"$root/scripts/setup-python.sh"
"$root/.venv-py/bin/pip" install --quiet --disable-pip-version-check --no-index --find-links "${SFTFORGE_WHEELS:-$root/../shared/wheels/py311}" beautifulsoup4 jinja2
echo "peers ready in $root/.peers (FastChat 0e6d3e4b, markdownify 0.11.6) and $root/.venv-py"
