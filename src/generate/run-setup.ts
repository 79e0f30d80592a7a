/**
 * Setting a run up: sector counts, side files and the fingerprint that ties a journal to its run
 * (core/atomic.ts removeStaleTemps removes the temp files a killed run left).
 */
import { stat } from 'node:fs/promises';
import { UsageError } from '../core/errors.js';
import { DEFAULT_CONFIG_PATH, loadGenerateConfig, type GenerateConfig } from './config.js';
import type { GenerateOptions, SectorSlice } from './options.js';
import { digest } from './rng.js';
import { SECTORS, type Sector } from './types.js';

/** OUT.jsonl → OUT.journal.jsonl / OUT.openings.jsonl: beside the output, unique per output. */
export function sidePaths(out: string): { journal: string; openings: string } {
  const base = out.replace(/\.jsonl?$/i, '');
  return { journal: `${base}.journal.jsonl`, openings: `${base}.openings.jsonl` };
}

/** --count split over sectors by weight (largest remainder, ties by sector order). */
export function splitCount(count: number, sectors: readonly Sector[], weights: Record<Sector, number>): Record<Sector, number> {
  const w = sectors.map((s) => weights[s]);
  const sum = w.reduce((a, b) => a + b, 0);
  if (sum <= 0) throw new UsageError('sector_weights of the chosen sectors sum to 0', 'set positive weights in the config');
  const exact = w.map((x) => (count * x) / sum);
  const out = exact.map(Math.floor);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const missing = count - out.reduce((a, b) => a + b, 0);
  for (let k = 0; k < missing; k++) out[order[k]![1]]!++;
  return Object.fromEntries(sectors.map((s, i) => [s, out[i]!])) as Record<Sector, number>;
}

async function fileId(path: string | undefined): Promise<string | null> {
  if (!path) return null;
  try {
    return `${path}:${(await stat(path)).size}`;
  } catch {
    return `${path}:missing`;
  }
}

/** What must not change between a run and its resumption (counts, budgets, rates may). */
export async function fingerprint(cfg: GenerateConfig, o: GenerateOptions, models: Record<string, string>): Promise<{ fp: string; about: Record<string, unknown> }> {
  // Prices, timeouts, retries, sector weights and spares change no sampling decision.
  const rest = { ...cfg, prices: undefined, request: undefined, sector_weights: undefined, openings_spare: undefined };
  const about = {
    seed: o.seed,
    models,
    config: digest(JSON.stringify(rest)),
    materials: await fileId(o.materials),
    entities: await fileId(o.entities),
    openings: await fileId(o.openings),
  };
  return { fp: digest(JSON.stringify(about)), about };
}

/** The config with the command line's request overrides (the caller's object is not changed). */
export function effectiveConfig(o: GenerateOptions): GenerateConfig {
  const loaded = o.config ?? loadGenerateConfig(o.configPath ?? DEFAULT_CONFIG_PATH);
  return {
    ...loaded,
    request: { ...loaded.request, ...(o.maxRetries !== undefined && { max_retries: o.maxRetries }), ...(o.timeoutS !== undefined && { timeout_s: o.timeoutS }) },
  };
}

/** The sectors to run and their dialogue counts (a sector whose share rounds to 0 is left out: it costs nothing). */
export function planSectors(o: GenerateOptions, cfg: GenerateConfig): { sectors: Sector[]; counts: Partial<Record<Sector, number>> } {
  const chosen = SECTORS.filter((s) => o.sectors.includes(s));
  if (chosen.length === 0) throw new UsageError('no sector chosen', 'pass --sector world|creation|assistance|all');
  if (chosen.includes('assistance') && !o.materials && !o.openings) {
    throw new UsageError('the assistance sector needs documents', 'pass --materials FILE.jsonl (a "text" field per line) or a folder of .txt files, or leave assistance out');
  }
  const split: Partial<Record<Sector, number>> = chosen.length === 1 ? { [chosen[0]!]: o.count } : splitCount(o.count, chosen, cfg.sector_weights);
  const sectors = chosen.filter((s) => split[s]! > 0);
  return { sectors, counts: Object.fromEntries(sectors.map((s) => [s, split[s]!])) };
}

/** Sectors and counts of one rank of a sharded run (sectors with nothing to do are left out). */
export function slicedSectors(slices: Partial<Record<Sector, SectorSlice>>): { sectors: Sector[]; counts: Partial<Record<Sector, number>> } {
  const sectors = SECTORS.filter((s) => (slices[s]?.wanted ?? 0) > 0);
  return { sectors, counts: Object.fromEntries(sectors.map((s) => [s, slices[s]!.wanted])) };
}

/** Items first, first + step, … of a stream: a rank's openings (opening j goes to dialogue j). */
export async function* everyNth<T>(src: AsyncIterator<T>, first: number, step: number): AsyncGenerator<T> {
  for (let i = 0; ; i++) {
    const r = await src.next();
    if (r.done) return;
    if (i >= first && (i - first) % step === 0) yield r.value;
  }
}
