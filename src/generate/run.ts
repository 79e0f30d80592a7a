/**
 * `sftforge generate` end to end: config and endpoints, the journal (resume), the openings stage,
 * the dialogue phase, and the final output written from the journal in id order. A stop (Ctrl-C,
 * budget) leaves the journal complete and the output unwritten; the same command continues.
 */
import { setMaxListeners } from 'node:events';
import { UsageError } from '../core/errors.js';
import { Report } from '../core/report.js';
import { Budget, BudgetReached } from './budget.js';
import { ChatClient } from './client.js';
import type { DialogueContext } from './dialogue.js';
import { resolveEndpoints } from './endpoints.js';
import { Journal } from './journal.js';
import { readEntities } from './materials.js';
import { buildOpenings, readOpenings } from './openings/index.js';
import { SeedRunner } from './openings/seeds.js';
import { writeOutput } from './output.js';
import { startGenerateProgress } from './progress.js';
import { RateLimiter } from './ratelimit.js';
import { loadJournal } from './resume.js';
import { removeStaleTemps } from '../core/atomic.js';
import { effectiveConfig, everyNth, fingerprint, planSectors, sidePaths, slicedSectors } from './run-setup.js';
import { runDialogues } from './scheduler.js';
import { StopRequested } from './stop.js';
import { compileRules } from './validate.js';
import type { Sector, Usage } from './types.js';
import type { GenerateConfig } from './config.js';
import type { GenerateOptions } from './options.js';

export type { GenerateOptions } from './options.js';
export { sidePaths, splitCount } from './run-setup.js';

export interface GenerateResult {
  status: 'complete' | 'openings_only' | 'interrupted' | 'budget';
  /** Why the run stopped early (budget message), if it did. */
  detail?: string;
  written: number;
  counts: Partial<Record<Sector, number>>;
  report: Report;
  usage: Usage;
  cost: number;
  paths: { out: string; journal: string; openings: string };
  /** Wall time of the dialogue phase, for throughput figures. */
  dialogueSeconds: number;
}

/** Builds and saves every sector's openings (dialogues wanted plus spares); too few is an error. */
async function makeOpenings(o: GenerateOptions, cfg: GenerateConfig, sectors: Sector[], counts: Partial<Record<Sector, number>>, seeds: SeedRunner, report: Report, out: string): Promise<void> {
  const targets = Object.fromEntries(sectors.map((s) => [s, counts[s]! + Math.ceil(counts[s]! * cfg.openings_spare)]));
  const entities = o.entities ? await readEntities(o.entities) : undefined;
  const got = await buildOpenings({ cfg, seeds, report, runSeed: o.seed, targets, out, materials: o.materials, entities });
  for (const s of sectors) {
    if ((got[s] ?? 0) < counts[s]!) {
      throw new UsageError(
        `only ${got[s] ?? 0} distinct openings for sector ${s}, ${counts[s]} dialogues wanted`,
        s === 'assistance' ? 'supply more documents or raise instructions_per_document' : 'raise the fan-outs of that sector in the config',
      );
    }
  }
}

export async function runGenerate(o: GenerateOptions): Promise<GenerateResult> {
  const cfg = effectiveConfig(o);
  if (o.hardSignal) setMaxListeners(o.concurrency * 4 + 16, o.hardSignal); // one listener per request or backoff in flight
  const { sectors, counts } = o.slices ? slicedSectors(o.slices) : planSectors(o, cfg);
  const endpoints = resolveEndpoints(cfg, o, o.env);
  const models = { user: endpoints.user.model, assistant: endpoints.assistant.model, openings: endpoints.openings.model };
  const paths = { out: o.out, ...sidePaths(o.out) };
  const report = o.report ?? new Report('generate');
  const budget = new Budget({ maxRequests: o.maxRequests, maxTokens: o.maxTokens, maxCost: o.maxCost }, cfg.prices);

  const { fp, about } = await fingerprint(cfg, o, models);
  const resume = await loadJournal(paths.journal, budget, models);
  if (resume.header && resume.header.fp !== fp) {
    throw new UsageError(
      `${paths.journal} belongs to another run (different seed, config, models or inputs: ${JSON.stringify(resume.header.about)})`,
      'rerun with the same options to resume it, or choose another -o (or delete the journal to start over)',
    );
  }
  await removeStaleTemps([paths.out, paths.openings]);
  const journal = await Journal.open(paths.journal, { sync: o.journalSync ?? true });
  if (!resume.header) await journal.append({ t: 'hdr', v: 1, fp, about });

  let stopReason: 'interrupted' | 'budget' | undefined;
  let fatal: unknown;
  const stopped = () => stopReason !== undefined || fatal !== undefined || (o.signal?.aborted ?? false);
  const limiter = new RateLimiter({ rpm: o.rpm, tpm: o.tpm });
  const client = new ChatClient({ endpoints, request: cfg.request, limiter, budget, report });
  const progress = startGenerateProgress({ mode: o.progress ?? 'auto', intervalMs: o.progressIntervalMs ?? 10000, report, budget });
  const result = (status: GenerateResult['status'], written: number, dialogueSeconds: number, detail?: string): GenerateResult => {
    // Records here are dialogues written; turn-level rejections are counters (rejected_<reason>).
    report.recordsIn = report.recordsOut = written;
    report.finish();
    const r: GenerateResult = { status, written, counts, report, usage: { ...budget.total }, cost: budget.cost, paths, dialogueSeconds };
    if (detail !== undefined) r.detail = detail;
    return r;
  };

  let dialogueSeconds = 0;
  try {
    // Openings: built from the journal's cache (free) plus whatever is still missing.
    let openingsFile = o.openings;
    if (!openingsFile) {
      const want = sectors.reduce((n, s) => n + counts[s]! + Math.ceil(counts[s]! * cfg.openings_spare), 0);
      progress.phase('openings', want, () => sectors.reduce((n, s) => n + (report.counters.get(`openings_${s}`) ?? 0), 0));
      const seeds = new SeedRunner({
        client,
        journal,
        state: resume.seeds,
        report,
        runSeed: o.seed,
        concurrency: o.concurrency,
        maxAttempts: cfg.regenerate.max_attempts,
        signal: o.hardSignal,
        shouldStop: stopped,
      });
      await makeOpenings(o, cfg, sectors, counts, seeds, report, paths.openings);
      openingsFile = paths.openings;
    }
    if (o.openingsOnly) return result('openings_only', 0, 0);

    const total = sectors.reduce((n, s) => n + counts[s]!, 0);
    const doneNow = () => sectors.reduce((n, s) => n + Math.min(resume.done.count(s), counts[s]!), 0);
    progress.phase('dialogues', total, doneNow);
    const ctx: DialogueContext = { cfg, client, journal, rules: compileRules(cfg.rejection), report, runSeed: o.seed, signal: o.hardSignal, shouldStop: stopped };
    const t0 = performance.now();
    await runDialogues({
      ctx,
      plans: sectors.map((s) => {
        const slice = o.slices?.[s];
        const openings = readOpenings(openingsFile, s);
        return { sector: s, wanted: counts[s]!, openings: slice ? everyNth(openings, slice.first, slice.step) : openings, firstIndex: slice?.first, indexStep: slice?.step };
      }),
      resume,
      runSeed: o.seed,
      concurrency: o.concurrency,
      stopped,
      onError: (e) => {
        if (e instanceof BudgetReached) stopReason = 'budget';
        else if (!(e instanceof StopRequested)) fatal = e;
      },
    }).catch((e: unknown) => {
      if (fatal !== undefined) throw fatal;
      if (!(e instanceof StopRequested || e instanceof BudgetReached || o.signal?.aborted || o.hardSignal?.aborted)) throw e;
    });
    dialogueSeconds = (performance.now() - t0) / 1000;
    if (stopReason === 'budget') return result('budget', 0, dialogueSeconds, budget.reached());
    if (o.signal?.aborted || o.hardSignal?.aborted) return result('interrupted', 0, dialogueSeconds);
    await journal.drain();
    const written = await writeOutput(paths.journal, paths.out, o.format, resume.done, counts);
    return result('complete', written, dialogueSeconds);
  } catch (e) {
    if (e instanceof BudgetReached) return result('budget', 0, dialogueSeconds, e.message);
    if (e instanceof StopRequested || ((o.signal?.aborted || o.hardSignal?.aborted) && !(e instanceof UsageError))) return result('interrupted', 0, dialogueSeconds);
    throw e;
  } finally {
    progress.stop();
    await journal.close();
  }
}
