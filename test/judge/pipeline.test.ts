/**
 * The quality stages in whole pipelines, through the registry and the runner, as a pipeline file
 * would run them: read → decontaminate → write_jsonl; read → judge → filter_score → write_jsonl;
 * read → best_of_n → write_preferences (+ write_jsonl keeping scores and candidates).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import '../../src/stages.js';
import { buildPipeline } from '../../src/core/pipeline.js';
import { registerStages } from '../../src/core/registry.js';
import { runBuilt } from '../../src/core/runner.js';
import { sharedData, tempDir } from '../helpers/paths.js';
import { autojResponse, autojVerdict, qualityOf, startFakeJudge, type FakeJudge } from './fake-judge.js';

beforeAll(() => {
  // The lead adds these lines to src/stages.ts; registered here so the test does not wait for it.
  registerStages({
    decontaminate: () => import('../../src/filter/stages/decontaminate.js'),
    judge: () => import('../../src/judge/stages/judge.js'),
    filter_score: () => import('../../src/filter/stages/filter_score.js'),
    best_of_n: () => import('../../src/judge/stages/best_of_n.js'),
    write_preferences: () => import('../../src/io/stages/write_preferences.js'),
  });
});

let servers: FakeJudge[] = [];
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
});

const lines = (p: string) =>
  readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));
const sharegpt = (id: string, ...turns: string[]) => JSON.stringify({ id, conversations: turns.map((value, i) => ({ from: i % 2 === 0 ? 'human' : 'gpt', value })) });

async function run(dir: string, steps: Record<string, unknown>[]) {
  const built = await buildPipeline({ name: 'test', steps: steps as never }, { cwd: dir });
  return runBuilt(built, { quiet: true });
}

describe('quality stages in pipelines', () => {
  it('read → decontaminate → write_jsonl: planted benchmark prompts go to the quarantine, named', async () => {
    const dir = tempDir();
    const alpaca = lines(sharedData('evalsets', 'alpaca_eval_805.jsonl'));
    const p = alpaca[300].instruction as string;
    writeFileSync(
      join(dir, 'dump.jsonl'),
      [
        sharegpt('keep', 'How do penguins keep warm?', 'Feathers.'),
        sharegpt('planted', 'hi', 'hello', `Quick question. ${p.toUpperCase()}`, 'ok'),
        sharegpt('near', p.split(' ').slice(0, 3).join(' ') + ' something else entirely about cooking pasta tonight', 'ok'),
      ].join('\n') + '\n',
    );
    const res = await run(dir, [{ stage: 'read', paths: 'dump.jsonl' }, { stage: 'decontaminate' }, { stage: 'write_jsonl', path: 'out/clean.jsonl' }]);
    expect(lines(join(dir, 'out/clean.jsonl')).map((r) => r.id)).toEqual(['keep', 'near']);
    const q = lines(join(dir, 'out/clean.rejects.jsonl'));
    expect(q).toHaveLength(1);
    expect(q[0]).toMatchObject({ reason: 'contaminated', id: 'planted', benchmark: 'alpaca_eval', benchmark_id: '300' });
    expect(q[0].detail).toContain('alpaca_eval #300 in user turn 2');
    const stage = res.stages.find((s) => s.stage === 'decontaminate')!;
    expect(stage.counters).toEqual({ contaminated_alpaca_eval: 1 });
    expect(stage.rejects).toEqual({ contaminated: 1 });
    const report = JSON.parse(readFileSync(join(dir, 'out/clean.report.json'), 'utf8'));
    expect(JSON.stringify(report)).toContain('"contaminated_alpaca_eval":1');
    expect(report.rejects).toMatchObject({ contaminated: 1 });
  });

  it('read → judge → filter_score → write_jsonl keeps well-judged records with their scores', async () => {
    const dir = tempDir();
    const srv = await startFakeJudge((r) => autojVerdict(qualityOf(autojResponse(r.messages[0]!.content)) ?? '1'));
    servers.push(srv);
    writeFileSync(join(dir, 'in.jsonl'), [sharegpt('a', 'q', 'good q=8'), sharegpt('b', 'q', 'bad q=3'), sharegpt('c', 'q', 'fine q=6')].join('\n') + '\n');
    const res = await run(dir, [
      { stage: 'read', paths: 'in.jsonl' },
      { stage: 'judge', protocol: 'autoj', base_url: srv.url, model: 'autoj-13b' },
      { stage: 'filter_score', name: 'autoj', min: 6 },
      { stage: 'write_jsonl', path: 'kept.jsonl' },
    ]);
    expect(lines(join(dir, 'kept.jsonl')).map((r) => [r.id, r.scores])).toEqual([
      ['a', { autoj: 8 }],
      ['c', { autoj: 6 }],
    ]);
    expect(lines(join(dir, 'kept.rejects.jsonl'))).toMatchObject([{ reason: 'low_score', id: 'b', score: 3 }]);
    expect(res.stages.find((s) => s.stage === 'judge')!.counters).toMatchObject({ judged: 3, requests_sent: 3 });
  });

  it('read → best_of_n → write_preferences, and write_jsonl keeps the candidates', async () => {
    const dir = tempDir();
    let k = 0;
    const policy = await startFakeJudge(() => `reply ${++k} q=${[3, 9, 5][k % 3]}`);
    const judge = await startFakeJudge((r) => autojVerdict(qualityOf(autojResponse(r.messages[0]!.content))!));
    servers.push(policy, judge);
    writeFileSync(join(dir, 'prompts.jsonl'), [JSON.stringify({ id: 'p1', conversations: [{ from: 'human', value: 'Tell me a story.' }] })].join('\n') + '\n');
    await run(dir, [
      { stage: 'read', paths: 'prompts.jsonl' },
      { stage: 'best_of_n', base_url: policy.url, model: 'policy', n: 3, judge: { protocol: 'autoj', base_url: judge.url, model: 'autoj-13b' } },
      { stage: 'write_preferences', path: 'prefs.jsonl' },
      { stage: 'write_jsonl', path: 'best.jsonl' },
    ]);
    const [pair] = lines(join(dir, 'prefs.jsonl'));
    expect(pair.prompt).toEqual([{ role: 'user', content: 'Tell me a story.' }]);
    expect(pair.score_chosen).toBe(9);
    expect(pair.score_rejected).toBe(3);
    const [best] = lines(join(dir, 'best.jsonl'));
    expect(best.conversations[1].value).toBe(pair.chosen[0].content);
    expect(best.candidates).toHaveLength(3);
    expect(best.scores).toEqual({ autoj: 9 });

    // A later pipeline reads the judged file back: scores and candidates survive write and read.
    await run(dir, [
      { stage: 'read', paths: 'best.jsonl' },
      { stage: 'filter_score', name: 'autoj', min: 5 },
      { stage: 'write_preferences', path: 'prefs2.jsonl', margin: 1 },
    ]);
    expect(lines(join(dir, 'prefs2.jsonl')).map((r) => [r.score_chosen, r.score_rejected])).toEqual([
      [9, 5],
      [9, 3],
      [5, 3],
    ]);
  });
});
