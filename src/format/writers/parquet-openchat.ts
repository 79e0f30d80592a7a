/**
 * OpenChat's trainer input, as imoneoi/openchat @47a3596 makes it (ochat/data/generate_dataset.py,
 * ochat/config/conversation_template.py, ochat/training_deepspeed/train.py):
 *
 * - `PREFIX.0.jsonl`: the conversations in OpenChat's `Conversation` form
 *   (`{"items":[{"role","content","weight"}],"system","condition"}`), input order, so OpenChat's own
 *   `generate_dataset --in-prefix PREFIX` can tokenize them too;
 * - `PREFIX.{epoch}.parquet` for epoch 0 … N-1 (train.py loads `{data_prefix}.{epoch}.parquet` per
 *   epoch): one row per conversation, rows in the order `random.seed(seed + epoch);
 *   random.shuffle(lines)` gives (py-random.ts; generate_epoch splits the shuffled lines into
 *   contiguous chunks and concatenates them back in order, so the worker count does not matter).
 *
 * Tokenization is OpenChat's: BOS, then each role prefix (with the conversation's condition) and each
 * content tokenized apart (`--tokenize segments`), weights per message on content + end-of-turn;
 * then `tokens[:model_max_context]`, trailing zero weights dropped, labels and weights shifted by one
 * (add_single_conv). Weights are kept as the doubles Python sums for `num_seqs`.
 */
import { ensureDir } from '../../core/atomic.js';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { dirname, basename } from 'node:path';
import type { Conversation, RejectMarker, Turn } from '../../core/types.js';
import { reject } from '../../core/types.js';
import { UsageError } from '../../core/errors.js';
import { LineWriter } from '../../io/atomic.js';
import { Formatter } from '../formatter.js';
import type { TokenizeMode } from '../pieces.js';
import { readTokenizerConfig, templateOptions } from '../setup.js';
import { getTemplate } from '../templates/index.js';
import { splitSystem } from '../templates/conversation.js';
import { type BackendChoice, loadTokenizer, type LoadedTokenizer } from '../tokenizer/index.js';
import type { HubOptions } from '../tokenizer/hub.js';
import { resolveTokenizer, type TokenizerFiles } from '../tokenizer/source.js';
import { type ConditionClass, type CrlftOptions, crlftClass } from '../openchat/crlft.js';
import { OPENCHAT_MODEL_TYPES, openChatModelType, tokenizerFamily } from '../openchat/model-types.js';
import { pyShuffledOrder } from '../openchat/py-random.js';
import { OpenChatParquetWriter, type OpenChatRow } from './openchat-file.js';
import { addSingleConv, openChatConversation } from '../openchat/conversation.js';
import type { ShardInfo } from './arrow-shard.js';
import { tokenizerConfigFragment, type TokenizerConfigFragment } from './tokenizer-config.js';

export { addSingleConv, openChatConversation } from '../openchat/conversation.js';
export { OPENCHAT_PAD_ID, OPENCHAT_SCHEMA, OpenChatParquetWriter, openChatFeatures, toOpenChatRow, type OpenChatRow } from './openchat-file.js';

export interface OpenChatWriterOptions {
  /** Output prefix: PREFIX.0.jsonl, PREFIX.{epoch}.parquet. */
  prefix: string;
  /** A tokenizer spec (folder, bundled name, repo id) or resolved files. */
  tokenizer: string | TokenizerFiles;
  /** sftforge template (default openchat_3.5: OpenChat's v3.2 ConversationTemplate). */
  template?: string;
  /** A MODEL_CONFIG_MAP key; default: the one for template + tokenizer (refused when there is none). */
  modelType?: string;
  /** Epoch files (default 5, train.py's default --epochs). */
  epochs?: number;
  /** generate_dataset --seed (default 42); epoch e is shuffled with seed + e. */
  seed?: number;
  /** generate_dataset --per-sequence-loss: each message's weight divided by its token count (default off). */
  perSequenceLoss?: boolean;
  /** Tokens kept per conversation (default the model type's model_max_context). */
  maxContext?: number;
  /** Condition of every conversation when C-RLFT is off (default "GPT4 Correct"; "" for none). */
  condition?: string;
  /** C-RLFT: condition and assistant weight from each record's `model` field (crlft.ts). */
  crlft?: boolean | CrlftOptions;
  /** `segments` (OpenChat's, default) or `whole`. */
  tokenize?: TokenizeMode;
  /** Also write PREFIX.0.jsonl (default true). */
  jsonl?: boolean;
  backend?: BackendChoice;
  hub?: HubOptions;
  /** Folder for the row spill (default: beside the prefix). */
  workDir?: string;
}

export interface OpenChatResult {
  modelType: string;
  /** Conversations written (JSONL lines, Parquet rows per epoch). */
  rows: number;
  files: ShardInfo[];
  jsonl?: string;
}

const HUGE = Number.MAX_SAFE_INTEGER;

export class OpenChatWriter {
  readonly modelType: string;
  readonly maxContext: number;
  private readonly formatters = new Map<string, Formatter>();
  get tokenizerSha256(): string {
    return this.tok.sha256;
  }
  get vocabSize(): number {
    return this.tok.spec.vocabSize;
  }
  /** The tokenizer_config.json fragment for these rows (tokenizer-config.ts). */
  tokenizerConfig(): TokenizerConfigFragment {
    const t = getTemplate(this.o.template, templateOptions(this.o.template, this.config));
    return tokenizerConfigFragment({ template: this.o.template, config: this.config, tokenizer: this.tok, templateSpecials: t.specialTokens });
  }
  get addedTokens(): { content: string; id: number; appended: boolean }[] {
    return this.tok.spec.added.map((t) => ({ content: t.content, id: t.id, appended: t.appended }));
  }
  private jsonl: LineWriter | undefined;
  private spill: FileHandle | undefined;
  private readonly spillPath: string;
  private spillPos = 0;
  /** Per written conversation: spill offset and byte length. */
  private offs: number[] = [];
  private lens: number[] = [];

  private constructor(
    private readonly o: OpenChatWriterOptions & { template: string; epochs: number; seed: number },
    private readonly tok: LoadedTokenizer,
    private readonly config: Record<string, unknown>,
    modelType: string,
  ) {
    this.modelType = modelType;
    this.maxContext = o.maxContext ?? OPENCHAT_MODEL_TYPES[modelType]!.maxContext;
    this.spillPath = `${o.workDir ? `${o.workDir}/${basename(o.prefix)}` : o.prefix}.rows.tmp-${process.pid}`;
  }

  static async open(opts: OpenChatWriterOptions): Promise<OpenChatWriter> {
    const o = { ...opts, template: opts.template ?? 'openchat_3.5', epochs: opts.epochs ?? 5, seed: opts.seed ?? 42 };
    if (!Number.isInteger(o.epochs) || o.epochs < 1) throw new UsageError(`epochs ${o.epochs}: use a whole number of at least 1`);
    if (!Number.isSafeInteger(o.seed)) throw new UsageError(`seed ${o.seed}: use a whole number`);
    const files = typeof o.tokenizer === 'string' ? await resolveTokenizer(o.tokenizer, o.hub) : o.tokenizer;
    const config = await readTokenizerConfig(files);
    const probe = getTemplate(o.template, templateOptions(o.template, config));
    const tok = await loadTokenizer(files, { templateSpecials: probe.specialTokens, backend: o.backend ?? 'auto' });
    const modelType = openChatModelType({ template: o.template, family: tokenizerFamily(tok.spec.full.model.vocab), modelType: o.modelType });
    const w = new OpenChatWriter(o, tok, config, modelType);
    await ensureDir(dirname(w.spillPath));
    w.spill = await open(w.spillPath, 'w+');
    if (o.jsonl !== false) w.jsonl = await new LineWriter(`${o.prefix}.0.jsonl`).open();
    return w;
  }

  private formatter(condition: string): Formatter {
    let f = this.formatters.get(condition);
    if (!f) {
      const t = getTemplate(this.o.template, { ...templateOptions(this.o.template, this.config), condition });
      f = new Formatter(t, this.tok, { maxLen: HUGE, chunk: 'truncate', tokenize: this.o.tokenize ?? 'segments' });
      this.formatters.set(condition, f);
    }
    return f;
  }

  private classOf(c: Conversation): ConditionClass {
    if (this.o.crlft) return crlftClass(c.model, this.o.crlft === true ? {} : this.o.crlft);
    return { condition: this.o.condition ?? 'GPT4 Correct', weight: 1 };
  }

  /** Tokenizes and stores a batch; returns, per conversation, undefined (written) or its reject. */
  async writeBatch(convs: readonly Conversation[]): Promise<(RejectMarker | undefined)[]> {
    const out: (RejectMarker | undefined)[] = new Array(convs.length);
    const classes = convs.map((c) => this.classOf(c));
    // Assistant weights scaled by the class weight before tokenizing: the mask carries them.
    const weighted = convs.map((c, i) => ({ ...c, turns: c.turns.map((t) => (t.role === 'assistant' ? { ...t, weight: (t.weight ?? 1) * classes[i]!.weight } : t)) }));
    const groups = new Map<string, number[]>();
    classes.forEach((k, i) => groups.set(k.condition, [...(groups.get(k.condition) ?? []), i]));
    const rows: (OpenChatRow | null)[] = new Array(convs.length).fill(null);
    for (const [condition, idx] of groups) {
      const res = await this.formatter(condition).formatBatch(idx.map((i) => weighted[i]!));
      idx.forEach((i, k) => {
        const it = res.items[k]!;
        if ('reject' in it) {
          out[i] = it.reject;
          return;
        }
        const r = it.rows[0]!;
        const weights = this.doubles(weighted[i]!.turns, r.weights);
        rows[i] = addSingleConv(r.ids, weights, this.maxContext);
        if (!rows[i])
          out[i] = reject({
            reason: 'no_trained_tokens',
            detail: `nothing trained in the first ${this.maxContext} tokens (${this.modelType} model_max_context)`,
            source: convs[i]!.source,
            id: convs[i]!.id,
            record: convs[i],
          });
      });
    }
    for (const [i, c] of convs.entries()) {
      const row = rows[i];
      if (!row) continue;
      await this.store(row);
      if (this.jsonl) {
        const sys = splitSystem(this.o.template, c.turns, '').system;
        await this.jsonl.write(openChatConversation(c.turns, sys, classes[i]!.condition, classes[i]!.weight));
      }
    }
    return out;
  }

  /**
   * The per-token weights as the doubles OpenChat uses (the mask stores float32: 0.1 would sum
   * differently), divided per message when per-sequence loss is on (`w /= len(text) + len(eot)`:
   * a message's weighted tokens are one run of equal non-zero weights between zero-weight prefixes).
   */
  private doubles(turns: readonly Turn[], w32: Float32Array): Float64Array {
    const exact = new Map<number, number>();
    for (const t of turns) if (t.role === 'assistant' && t.weight !== undefined) exact.set(Math.fround(t.weight), t.weight);
    const w = Float64Array.from(w32, (x) => exact.get(x) ?? x);
    if (this.o.perSequenceLoss) {
      for (let i = 0; i < w.length; ) {
        let j = i;
        while (j < w.length && w[j] === w[i]) j++;
        if (w[i] !== 0) for (let k = i; k < j; k++) w[k] = w[k]! / (j - i);
        i = j;
      }
    }
    return w;
  }

  /** Spill record: u32 n, f32 num_seqs, then n i32 ids, n i32 shifted labels, n f32 shifted weights. */
  private async store(row: OpenChatRow): Promise<void> {
    const n = row.total_length;
    const buf = Buffer.alloc(8 + 12 * n);
    buf.writeUInt32LE(n, 0);
    buf.writeFloatLE(row.num_seqs, 4);
    for (let i = 0; i < n; i++) {
      buf.writeInt32LE(row.nz_input_ids[i]!, 8 + 4 * i);
      buf.writeInt32LE(row.nz_shifted_label_ids[i]!, 8 + 4 * (n + i));
      buf.writeFloatLE(row.nz_shifted_loss_weights[i]!, 8 + 4 * (2 * n + i));
    }
    await this.spill!.write(buf, 0, buf.length, this.spillPos);
    this.offs.push(this.spillPos);
    this.lens.push(buf.length);
    this.spillPos += buf.length;
  }

  private async load(k: number): Promise<OpenChatRow> {
    const buf = Buffer.alloc(this.lens[k]!);
    await this.spill!.read(buf, 0, buf.length, this.offs[k]!);
    const n = buf.readUInt32LE(0);
    const f32 = new Float32Array(buf.buffer, buf.byteOffset + 8 + 8 * n, n);
    const i32 = new Int32Array(buf.buffer, buf.byteOffset + 8, 2 * n);
    return {
      total_length: n,
      num_seqs: buf.readFloatLE(4),
      seqlens: [n],
      nz_input_ids: Array.from(i32.subarray(0, n)),
      nz_position_ids: Array.from({ length: n }, (_, i) => i),
      nz_shifted_label_ids: Array.from(i32.subarray(n, 2 * n)),
      nz_shifted_loss_weights: Array.from(f32),
    };
  }

  private prepared: OpenChatParquetWriter[] = [];

  /** Writes every epoch's Parquet file and the JSONL under temporary names (publish() renames them). */
  async prepare(): Promise<OpenChatResult> {
    const files: ShardInfo[] = [];
    try {
      for (let e = 0; e < this.o.epochs; e++) {
        const path = `${this.o.prefix}.${e}.parquet`;
        const w = await new OpenChatParquetWriter(path, this.modelType).open();
        this.prepared.push(w);
        for (const k of pyShuffledOrder(this.offs.length, this.o.seed + e)) await w.writeRow(await this.load(k));
        files.push(await w.prepare(basename(path)));
      }
      await this.jsonl?.finish();
      return { modelType: this.modelType, rows: this.offs.length, files, jsonl: this.jsonl ? `${this.o.prefix}.0.jsonl` : undefined };
    } catch (e) {
      await this.abort();
      throw e;
    } finally {
      await this.closeSpill();
    }
  }

  async publish(): Promise<void> {
    for (const w of this.prepared) await w.publish();
    await this.jsonl?.publish();
  }

  async finish(): Promise<OpenChatResult> {
    const r = await this.prepare();
    await this.publish();
    return r;
  }

  async abort(): Promise<void> {
    for (const w of this.prepared) await w.abort();
    await this.jsonl?.abort();
    await this.closeSpill();
  }

  private async closeSpill(): Promise<void> {
    await this.spill?.close();
    this.spill = undefined;
    await rm(this.spillPath, { force: true });
  }
}
