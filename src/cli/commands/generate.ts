/** `sftforge generate`: argument parsing only; the work is runGenerate in src/generate/. */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { GenerateOptions } from '../../generate/run.js';
import { SECTORS, type OutputFormat, type Sector } from '../../generate/types.js';
import type { ProgressMode } from '../../generate/progress.js';
import { floatOption, intOption } from '../options.js';
import { addShardOptions, shardFromOptions } from '../../exec/shard-cli.js';

function sectorsOption(v: string): Sector[] {
  const parts = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.includes('all')) return [...SECTORS];
  for (const p of parts) if (!SECTORS.includes(p as Sector)) throw new UsageError(`--sector ${p}: use world, creation, assistance, all, or a comma list`);
  return parts as Sector[];
}

export function register(program: Command): void {
  const cmd = program
    .command('generate')
    .description('Generate UltraChat-style multi-turn dialogues with a simulated user, against any OpenAI-compatible server (resumable)')
    .requiredOption('--sector <list>', 'world | creation | assistance | all (or a comma list)', sectorsOption)
    .requiredOption('--count <n>', 'dialogues to produce (split over sectors by sector_weights)', intOption)
    .requiredOption('-o, --output <file>', 'output JSONL; OUT.journal.jsonl and OUT.openings.jsonl are kept beside it')
    .option('--base-url <url>', 'OpenAI-compatible base URL for all roles, e.g. http://127.0.0.1:8000/v1')
    .option('--user-base-url <url>', 'base URL of the simulated user model (overrides --base-url)')
    .option('--assistant-base-url <url>', 'base URL of the assistant model (overrides --base-url)')
    .option('--user-model <name>', 'model playing the user')
    .option('--assistant-model <name>', 'model playing the assistant')
    .option('--openings-model <name>', 'model building the openings (default: the user model)')
    .option('--config <file>', 'generation config (default configs/ultrachat.yaml)')
    .option('--materials <path>', 'documents for the assistance sector: JSONL with a "text" field, or a folder of .txt files')
    .option('--entities <file>', 'entity names, one per line, for entity questions in the world sector')
    .option('--openings <file>', 're-seed from an openings file (OUT.openings.jsonl of an earlier run) instead of building openings')
    .option('--openings-only', 'build and save the openings, then stop')
    .option('--seed <n>', 'run seed: ids and every sampling choice derive from it', intOption, 0)
    .option('--output-format <format>', 'ultrachat ({"id","data"}) or sharegpt ({"id","conversations"})')
    .option('--format <format>', 'deprecated spelling of --output-format')
    .option('--concurrency <n>', 'dialogues in flight', intOption, 8)
    .option('--rpm <n>', 'requests per minute (token bucket)', intOption)
    .option('--tpm <n>', 'tokens per minute (token bucket; prompt estimate + max_tokens)', intOption)
    .option('--timeout <seconds>', 'per-request timeout (default request.timeout_s)', floatOption)
    .option('--max-retries <n>', 'retries per request on 429/5xx/timeouts (default request.max_retries)', intOption)
    .option('--max-requests <n>', 'stop cleanly after this many paid requests (whole job, resumes included)', intOption)
    .option('--max-tokens <n>', 'stop cleanly after this many tokens (prompt + completion)', intOption)
    .option('--max-cost <usd>', 'stop cleanly at this spend, priced with the config prices', floatOption)
    .option('--progress <mode>', 'auto | bar | lines | none', 'auto')
    .option('--dry-run', 'talk to a built-in fake OpenAI-compatible server on 127.0.0.1 instead (no model, no cost): to try a pipeline end to end')
    .option('-q, --quiet', 'no progress or table on stderr');
  addShardOptions(cmd).action(async (o) => {
    if (o.format !== undefined) process.stderr.write('sftforge: generate --format is deprecated: use --output-format\n');
    const flag = o.outputFormat !== undefined ? '--output-format' : '--format';
    o.format = o.outputFormat ?? o.format ?? 'ultrachat';
    if (o.format !== 'ultrachat' && o.format !== 'sharegpt') throw new UsageError(`${flag} ${o.format}: use ultrachat or sharegpt`);
    if (!['auto', 'bar', 'lines', 'none'].includes(o.progress)) throw new UsageError(`--progress ${o.progress}: use auto, bar, lines or none`);
    if (o.concurrency < 1) throw new UsageError('--concurrency must be at least 1');
    // Imported here, not at the top: a command loads only what it runs (start-up, issue #16).
    const [{ startFakeServer }, { runGenerate }, { stopSignals }, { runGenerateRank }] = await Promise.all([
      import('../../generate/fake-server.js'),
      import('../../generate/run.js'),
      import('../../generate/signals.js'),
      import('../../generate/run-rank.js'),
    ]);
    const fake = o.dryRun ? await startFakeServer() : undefined;
    if (fake) {
      o.baseUrl = fake.url;
      o.userBaseUrl = o.assistantBaseUrl = undefined;
      o.userModel ??= 'fake-user';
      o.assistantModel ??= 'fake-assistant';
    }
    const shard = shardFromOptions(o);
    const signals = stopSignals();
    try {
      const options: GenerateOptions = {
        sectors: o.sector as Sector[],
        count: o.count,
        out: o.output,
        format: o.format as OutputFormat,
        seed: o.seed,
        concurrency: o.concurrency,
        configPath: o.config,
        baseUrl: o.baseUrl,
        userBaseUrl: o.userBaseUrl,
        assistantBaseUrl: o.assistantBaseUrl,
        userModel: o.userModel,
        assistantModel: o.assistantModel,
        openingsModel: o.openingsModel,
        materials: o.materials,
        entities: o.entities,
        openings: o.openings,
        openingsOnly: o.openingsOnly,
        rpm: o.rpm,
        tpm: o.tpm,
        timeoutS: o.timeout,
        maxRetries: o.maxRetries,
        maxRequests: o.maxRequests,
        maxTokens: o.maxTokens,
        maxCost: o.maxCost,
        progress: o.quiet ? 'none' : (o.progress as ProgressMode),
        signal: signals.graceful,
        hardSignal: signals.hard,
      };
      const r = shard ? await runGenerateRank(options, shard) : await runGenerate(options);
      if (!r) return; // this rank had already finished
      if (!o.quiet) {
        process.stderr.write(r.report.toTable() + '\n');
        const u = r.usage;
        process.stderr.write(
          `generate: usage so far (this job, resumed runs included): ${u.requests} requests, ${u.prompt_tokens} prompt + ${u.completion_tokens} completion tokens, $${r.cost.toFixed(4)}\n`,
        );
      }
      if (r.status === 'complete') process.stderr.write(`generate: wrote ${r.written} dialogues to ${r.paths.out}\n`);
      else if (r.status === 'openings_only') process.stderr.write(`generate: openings saved to ${r.paths.openings}\n`);
      else {
        process.stderr.write(`generate: stopped (${r.detail ?? r.status}); progress is in ${r.paths.journal}: rerun the same command to continue\n`);
        process.exitCode = r.status === 'interrupted' ? 130 : 3;
      }
    } finally {
      signals.dispose();
      await fake?.close();
    }
  });
}
