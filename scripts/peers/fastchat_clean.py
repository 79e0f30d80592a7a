"""Runs FastChat's fastchat/data/clean_sharegpt.py (commit 0e6d3e4b, markdownify 0.11.6) unmodified
on a ShareGPT JSON array, for scripts/bench-peers.mjs.

usage: python fastchat_clean.py --in-file IN.json --out-file OUT.json [--procs 1|default]

FASTCHAT_DIR and MARKDOWNIFY_DIR name the folders holding the `fastchat` and `markdownify`
packages (default: .peers/FastChat and .peers/python-markdownify beside the project's root).
Nothing is downloaded.

The cleaner raises (KeyError on a record without "conversations", AttributeError on a null
"value") and the whole run dies, so this driver drops those records first and says how many on
stderr. `--procs 1` replaces its ProcessPoolExecutor with a plain in-process map (one process);
`--procs default` leaves it as FastChat ships it (one process per core).
"""
import argparse
import json
import os
import sys
import time
import warnings

warnings.filterwarnings("ignore")  # bs4 warns per answer that looks like a URL or file name

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.environ.get("FASTCHAT_DIR") or os.path.join(root, ".peers", "FastChat"))
sys.path.insert(0, os.environ.get("MARKDOWNIFY_DIR") or os.path.join(root, ".peers", "python-markdownify"))
os.environ.setdefault("TQDM_DISABLE", "1")

import fastchat.data.clean_sharegpt as cs  # noqa: E402


def well_formed(r):
    """The shape clean_html_one_sample and clean_html_all index without checking."""
    if not isinstance(r, dict) or "id" not in r or not isinstance(r.get("conversations"), list):
        return False
    return all(isinstance(t, dict) and isinstance(t.get("from"), str) and isinstance(t.get("value"), str) for t in r["conversations"])


class InProcess:
    """Stands in for ProcessPoolExecutor: the same map, in this process."""

    def __init__(self, *a, **k):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False

    def map(self, fn, it):
        return map(fn, it)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--in-file", required=True)
    p.add_argument("--out-file", required=True)
    p.add_argument("--procs", default="default", choices=["1", "default"])
    a = p.parse_args()
    t0 = time.perf_counter()
    content = json.load(open(a.in_file, "r"))
    kept = [r for r in content if well_formed(r)]
    dropped = len(content) - len(kept)
    if a.procs == "1":
        cs.ProcessPoolExecutor = InProcess
    # The cleaner prints one line per skipped record on stdout: discard them (the summary goes to stderr).
    real_stdout = sys.stdout
    sys.stdout = open(os.devnull, "w")
    try:
        out = cs.clean_html_all(kept, None, None)
    finally:
        sys.stdout.close()
        sys.stdout = real_stdout
    json.dump(out, open(a.out_file, "w"), indent=2, ensure_ascii=False)
    print(
        json.dumps({"records": len(content), "dropped_malformed": dropped, "kept": len(out), "seconds": round(time.perf_counter() - t0, 3)}),
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
