/**
 * `tokenize --output-format parquet-openchat` as a function: conversations → OpenChatWriter
 * (writers/parquet-openchat.ts) → DIR/openchat.{epoch}.parquet, DIR/openchat.0.jsonl and
 * sftforge.json; rejects to the quarantine beside DIR, as for the HF output.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Conversation } from '../core/types.js';
import { isReject } from '../core/types.js';
import { Report } from '../core/report.js';
import { Quarantine } from '../core/quarantine.js';
import { writeFileAtomic } from '../io/atomic.js';
import { readConversations } from '../io/read.js';
import { resolveTokenizer } from './tokenizer/source.js';
import { openChatFeatures, OpenChatWriter } from './writers/parquet-openchat.js';
import { TOKENIZER_CONFIG } from './writers/tokenizer-config.js';
import { reportWithoutTimings, type TokenizedManifest } from './writers/manifest.js';
import type { TokenizeOptions, TokenizeResult } from './run-tokenize.js';

/** The prefix inside the output folder: DIR/openchat.{epoch}.parquet. */
export const OPENCHAT_PREFIX = 'openchat';

export async function runOpenChatTokenize(o: TokenizeOptions, version: string): Promise<TokenizeResult> {
  const dir = resolve(o.output);
  const rejectsPath = o.rejects ?? `${dir.replace(/[\\/]+$/, '')}.rejects.jsonl`;
  await mkdir(dir, { recursive: true });
  const files = await resolveTokenizer(o.tokenizer, o.hub);
  const w = await OpenChatWriter.open({ tokenize: o.tokenize, backend: o.backend, ...o.openchat, prefix: join(dir, OPENCHAT_PREFIX), tokenizer: files, template: o.template });
  const report = new Report('tokenize');
  const quarantine = await new Quarantine(rejectsPath).open();
  try {
    let batch: Conversation[] = [];
    const flush = async () => {
      const res = await w.writeBatch(batch);
      for (const r of res) {
        if (r) {
          report.reject(r.reason);
          await quarantine.write(r);
        } else report.recordsOut++;
      }
      batch = [];
    };
    for await (const it of readConversations(o.inputs, { format: o.inputFormat, onBytes: (n) => (report.bytesIn += n) })) {
      report.recordsIn++;
      if (isReject(it)) {
        await flush();
        report.reject(it.reason);
        await quarantine.write(it);
        continue;
      }
      batch.push(it as Conversation);
      if (batch.length >= (o.batchSize ?? 128)) await flush();
    }
    await flush();
    const done = await w.finish();
    await quarantine.commit();
    report.count('rows', done.rows);
    report.finish();
    const json = report.toJSON();
    const manifest: TokenizedManifest = {
      sftforge_version: version,
      kind: 'tokenized',
      format: 'parquet-openchat',
      template: o.template,
      tokenizer: o.tokenizer,
      tokenizer_sha256: w.tokenizerSha256,
      max_len: w.maxContext,
      chunk: 'truncate',
      pack: false,
      tokenize: o.tokenize ?? 'segments',
      loss_weights: true,
      rows: done.rows,
      shards: done.files,
      features: openChatFeatures(),
      report: reportWithoutTimings(json),
      added_tokens: w.addedTokens,
      vocab_size: w.vocabSize,
      openchat: { model_type: done.modelType, epochs: done.files.length, jsonl: `${OPENCHAT_PREFIX}.0.jsonl` },
    };
    await writeFileAtomic(join(dir, 'sftforge.json'), JSON.stringify(manifest, null, 2) + '\n');
    await writeFileAtomic(join(dir, TOKENIZER_CONFIG), JSON.stringify(w.tokenizerConfig(), null, 2) + '\n');
    if (o.report) await writeFileAtomic(o.report, JSON.stringify(json, null, 2) + '\n');
    if (!o.quiet) process.stderr.write(report.toTable() + '\n');
    return { manifest, report: json, rejectsPath };
  } catch (e) {
    await w.abort();
    await quarantine.abort();
    throw e;
  }
}
