/**
 * The table of stages: one line per stage, name → its file. A definition is imported only when a
 * pipeline uses it (or `sftforge stages` lists them), so a command starts without loading every
 * feature. Adding a stage: write its file (see docs/ARCHITECTURE.md), add its line here.
 */
import { registerStages } from './core/registry.js';

registerStages({
  read: () => import('./io/stages/read.js'),
  clean: () => import('./clean/stages/clean.js'),
  filter_model: () => import('./filter/stages/filter_model.js'),
  filter_turns: () => import('./filter/stages/filter_turns.js'),
  filter_blocked_words: () => import('./filter/stages/filter_blocked_words.js'),
  filter_unwanted: () => import('./filter/stages/filter_unwanted.js'),
  filter_lang: () => import('./filter/stages/filter_lang.js'),
  dedup_exact: () => import('./dedup/stages/dedup_exact.js'),
  dedup_near: () => import('./dedup/stages/dedup_near.js'),
  tokenize: () => import('./format/stages/tokenize.js'),
  pack: () => import('./format/stages/pack.js'),
  stats: () => import('./stats/stages/stats.js'),
  generate: () => import('./generate/stages/generate.js'),
  filter_mentions: () => import('./filter/stages/filter_mentions.js'),
  decontaminate: () => import('./filter/stages/decontaminate.js'),
  judge: () => import('./judge/stages/judge.js'),
  filter_score: () => import('./filter/stages/filter_score.js'),
  best_of_n: () => import('./judge/stages/best_of_n.js'),
  mix: () => import('./mix/stages/mix.js'),
  split: () => import('./mix/stages/split.js'),
  write_jsonl: () => import('./io/stages/write_jsonl.js'),
  write_messages: () => import('./io/stages/write_messages.js'),
  write_preferences: () => import('./io/stages/write_preferences.js'),
  write_hf: () => import('./format/stages/write_hf.js'),
  write_parquet_openchat: () => import('./format/stages/write_parquet_openchat.js'),
});
