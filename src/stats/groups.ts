/**
 * Grouping dialogues by source file, model, sector and persona. The number of groups per key is
 * bounded (`maxGroups`, first come first kept, the rest folded into "(other)") so that memory
 * stays flat on data with thousands of personas; dialogues without the field go to "(none)".
 */
import type { Conversation } from '../core/types.js';
import { TextAccumulator, type AccumulatorOptions } from './accumulate.js';
import type { DialogueFeatures } from './features.js';
import type { GroupStats } from './types.js';

export const NONE = '(none)';
export const OTHER = '(other)';
/** Longer values (personas can be paragraphs) are cut: the key names the group, it is not data. */
const MAX_KEY_CHARS = 120;

export type GroupKey = 'source' | 'model' | 'sector' | 'persona';
export const GROUP_KEYS: readonly GroupKey[] = ['source', 'model', 'sector', 'persona'];

export function groupValue(conv: Conversation, key: GroupKey): string | null {
  let v: unknown;
  if (key === 'source') v = conv.source.file;
  else if (key === 'model') v = conv.model ?? conv.meta?.model;
  else v = conv.meta?.[key];
  if (typeof v === 'number' && Number.isFinite(v)) v = String(v);
  if (typeof v !== 'string' || v.trim() === '') return null;
  return v.length > MAX_KEY_CHARS ? `${v.slice(0, MAX_KEY_CHARS - 1)}…` : v;
}

export class Grouping {
  private readonly groups = new Map<string, TextAccumulator>();
  private seenValue = false;
  private named = 0;

  /**
   * @param dataset the whole-dataset accumulator; `add` must be called before the dialogue is
   *   added to it, so that at a key's first appearance it holds exactly the dialogues before.
   */
  constructor(
    readonly key: GroupKey,
    private readonly maxGroups: number,
    private readonly accOpts: AccumulatorOptions,
    private readonly dataset: TextAccumulator,
  ) {}

  async add(conv: Conversation, f: DialogueFeatures): Promise<void> {
    const v = groupValue(conv, this.key);
    if (v === null && !this.seenValue) return; // "(none)" is still the dataset: nothing to keep apart
    if (v !== null && !this.seenValue) {
      this.seenValue = true;
      if (this.dataset.dialogues > 0) this.groups.set(NONE, this.dataset.clone(this.accOpts));
    }
    let name = v ?? NONE;
    let acc = this.groups.get(name);
    if (acc === undefined) {
      if (name !== NONE && this.named >= this.maxGroups) name = OTHER;
      acc = this.groups.get(name);
      if (acc === undefined) {
        acc = new TextAccumulator(this.accOpts);
        this.groups.set(name, acc);
        if (name !== NONE && name !== OTHER) this.named++;
      }
    }
    await acc.add(f);
  }

  /** Some dialogue had the field. */
  get sawValue(): boolean {
    return this.seenValue;
  }

  /** The groups so far, in creation order (sharded stats: src/exec/shard-stats.ts). */
  entries(): [string, TextAccumulator][] {
    return [...this.groups.entries()];
  }

  /** Worth reporting: some dialogue had the field, and there are at least two groups to compare. */
  get informative(): boolean {
    return this.seenValue && this.groups.size >= 2;
  }

  /** Groups sorted by key in byte order, "(none)" and "(other)" last; histograms dropped (bars only). */
  async finish(): Promise<GroupStats[]> {
    const rank = (k: string) => (k === NONE ? 1 : k === OTHER ? 2 : 0);
    const keys = [...this.groups.keys()].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
    const out: GroupStats[] = [];
    for (const k of keys) out.push({ key: k, stats: await this.groups.get(k)!.finish({ histograms: false }) });
    return out;
  }
}
