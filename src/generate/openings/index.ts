/**
 * The openings stage: build each requested sector's pool (deduplicated) before any dialogue
 * starts, and save it as OUT.openings.jsonl (atomically), one {sector, i, text, meta} per line.
 * A run can be re-seeded from such a file with --openings FILE instead.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { InputError } from '../../core/errors.js';
import type { Report } from '../../core/report.js';
import { AtomicWriter } from '../../io/atomic.js';
import type { GenerateConfig } from '../config.js';
import { readMaterials } from '../materials.js';
import { SECTORS, type Opening, type Sector } from '../types.js';
import { buildAssistance } from './assistance.js';
import { buildCreation } from './creation.js';
import { Pool } from './pool.js';
import type { SeedRunner } from './seeds.js';
import { buildWorld } from './world.js';

export interface BuildOpeningsOptions {
  cfg: GenerateConfig;
  seeds: SeedRunner;
  report: Report;
  runSeed: number;
  /** Openings wanted per sector (dialogues plus spares). */
  targets: Partial<Record<Sector, number>>;
  out: string;
  materials?: string;
  entities?: readonly string[];
}

/** Builds and saves the pools; returns how many openings each sector got. */
export async function buildOpenings(o: BuildOpeningsOptions): Promise<Partial<Record<Sector, number>>> {
  const w = await new AtomicWriter(o.out).open();
  const counts: Partial<Record<Sector, number>> = {};
  try {
    for (const sector of SECTORS) {
      const target = o.targets[sector];
      if (target === undefined) continue;
      const pool = new Pool(sector, target, { write: (l) => w.write(l) }, o.report, o.cfg.dedup);
      if (sector === 'world') await buildWorld({ cfg: o.cfg, seeds: o.seeds, pool, entities: o.entities });
      else if (sector === 'creation') await buildCreation({ cfg: o.cfg, seeds: o.seeds, pool, runSeed: o.runSeed });
      else {
        const a = o.cfg.sectors.assistance;
        const materials = readMaterials(o.materials!, a.max_document_chars, o.report);
        await buildAssistance({ cfg: o.cfg, seeds: o.seeds, pool, runSeed: o.runSeed, materials, report: o.report });
        await materials.return(undefined);
      }
      counts[sector] = pool.count;
    }
    await w.commit();
  } catch (e) {
    await w.abort();
    throw e;
  }
  return counts;
}

/** The openings of one sector from an openings file, in file order. Bad lines are errors with FILE:LINE. */
export async function* readOpenings(file: string, sector: Sector): AsyncGenerator<Opening> {
  let rl;
  try {
    rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  } catch (e) {
    throw new InputError(file, `cannot read openings: ${(e as Error).message}`);
  }
  let line = 0;
  for await (const raw of rl) {
    line++;
    if (raw.trim() === '') continue;
    let v: { sector?: unknown; text?: unknown; meta?: unknown };
    try {
      v = JSON.parse(raw) as typeof v;
    } catch (e) {
      throw new InputError(`${file}:${line}`, `not JSON: ${(e as Error).message}`, 'an openings file has one {"sector","text","meta"} object per line');
    }
    if (!SECTORS.includes(v.sector as Sector) || typeof v.text !== 'string' || v.text.trim() === '') {
      throw new InputError(`${file}:${line}`, 'needs "sector" (world|creation|assistance) and a non-empty "text"', 'fix or remove the line');
    }
    if (v.sector !== sector) continue;
    const meta = typeof v.meta === 'object' && v.meta !== null && !Array.isArray(v.meta) ? (v.meta as Record<string, unknown>) : {};
    yield { sector, text: v.text, meta };
  }
}
