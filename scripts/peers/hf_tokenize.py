"""The Python tokenization path, for scripts/bench-peers.mjs: `datasets.load_dataset('json')`, then
`Dataset.map` (num_proc N, one example per call, as TRL's SFTTrainer prepares data) with
`apply_chat_template(tokenize=True, return_dict=True, return_assistant_tokens_mask=True)`, then
`save_to_disk`. The chat template is ChatML with `{% generation %}` around each reply and its
`<|im_end|>` (what sftforge's `--template chatml` renders and trains), so transformers computes the
assistant mask; without the block it would return an all-zero mask.

usage: python hf_tokenize.py --in-file IN.jsonl --tokenizer-dir DIR --out-dir OUT [--num-proc 2]
Offline: HF_HUB_OFFLINE / HF_DATASETS_OFFLINE are set; the datasets cache goes to OUT.cache.
"""
import argparse
import json
import os
import shutil
import sys
import time

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

CHATML_WITH_GENERATION = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' }}"
    "{% if message['role'] == 'assistant' %}"
    "{% generation %}{{ message['content'] + '<|im_end|>' }}{% endgeneration %}{{ '\\n' }}"
    "{% else %}{{ message['content'] + '<|im_end|>' + '\\n' }}{% endif %}"
    "{% endfor %}"
)
ROLES = {"human": "user", "gpt": "assistant", "system": "system"}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--in-file", required=True)
    p.add_argument("--tokenizer-dir", required=True)
    p.add_argument("--out-dir", required=True)
    p.add_argument("--num-proc", type=int, default=2)
    a = p.parse_args()
    t0 = time.perf_counter()
    cache = a.out_dir.rstrip("/") + ".cache"
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(a.out_dir, ignore_errors=True)
    import datasets
    from transformers import PreTrainedTokenizerFast

    datasets.disable_progress_bars()
    tok = PreTrainedTokenizerFast(tokenizer_file=os.path.join(a.tokenizer_dir, "tokenizer.json"))
    tok.chat_template = CHATML_WITH_GENERATION
    ds = datasets.load_dataset("json", data_files=a.in_file, split="train", cache_dir=cache)

    def tokenize(ex):
        msgs = [{"role": ROLES[t["from"]], "content": t["value"]} for t in ex["conversations"]]
        out = tok.apply_chat_template(msgs, tokenize=True, return_dict=True, return_assistant_tokens_mask=True)
        return {"input_ids": out["input_ids"], "assistant_masks": out["assistant_masks"]}

    ds = ds.map(tokenize, num_proc=a.num_proc, remove_columns=ds.column_names)
    ds.save_to_disk(a.out_dir)
    import pyarrow.compute as pc  # counts read the memory-mapped table, no Python lists

    tokens = pc.sum(pc.list_value_length(ds.data.column("input_ids"))).as_py()
    trained = pc.sum(pc.list_flatten(ds.data.column("assistant_masks"))).as_py()
    shutil.rmtree(cache, ignore_errors=True)
    print(json.dumps({"rows": len(ds), "tokens": tokens, "trained": trained, "seconds": round(time.perf_counter() - t0, 3)}), file=sys.stderr)


if __name__ == "__main__":
    main()
