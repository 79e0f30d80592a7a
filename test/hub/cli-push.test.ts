import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { register } from '../../src/cli/commands/push.js';
import { NoTokenError, TokenRefusedError } from '../../src/hub/index.js';
import { FakeHub } from './fake-hub.js';
import { makeTokenizedFolder } from './fixtures.js';
import { TOKEN, expectNoTokenLeak } from './helpers.js';

let hub: FakeHub;
let out: string[];
let err: string[];
const savedToken = process.env.HF_TOKEN;

beforeEach(async () => {
  hub = await new FakeHub().start();
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
});
afterEach(async () => {
  vi.restoreAllMocks();
  if (savedToken === undefined) delete process.env.HF_TOKEN;
  else process.env.HF_TOKEN = savedToken;
  expectNoTokenLeak(hub, [...out, ...err]);
  await hub.stop();
});

async function run(...args: string[]): Promise<void> {
  const program = new Command().exitOverride();
  register(program);
  await program.parseAsync(['node', 'sftforge', 'push', ...args]);
}

describe('sftforge push', () => {
  it('--dry-run prints the plan on stdout and changes nothing; a real push then an idempotent one', async () => {
    process.env.HF_TOKEN = TOKEN;
    const { dir } = await makeTokenizedFolder({ rows: 8, shards: 2 });
    const common = [dir, '--repo', 'alice/cli-set', '--hub-url', hub.url, '--no-xet'];
    await run(...common, '--dry-run');
    const plan = out.join('');
    expect(plan).toMatch(new RegExp(`^dry run: would push to alice/cli-set@main on ${hub.url}\n  create dataset repo alice/cli-set\n`));
    expect(plan).toMatch(/ {2}upload {2}data\/train-00000-of-00002\.arrow {2}\d+ bytes {2}sha256 [0-9a-f]{12}\n/);
    expect(hub.repos.size).toBe(0);

    out.length = 0;
    await run(...common, '--license', 'apache-2.0', '--language', 'en', '--tag', 'demo', '--message', 'First push');
    expect(out.join('')).toMatch(/^pushed to alice\/cli-set@main/);
    expect(hub.commits('alice/cli-set').at(-1)!.title).toBe('First push');
    const readme = hub.file('alice/cli-set', 'README.md')!.toString();
    expect(readme).toContain('license: apache-2.0\nlanguage:\n  - en\n');
    expect(readme).toContain('  - demo\n');
    expect(err.join('')).toContain('created dataset alice/cli-set');

    out.length = 0;
    await run(...common, '--json', '--license', 'apache-2.0', '--language', 'en', '--tag', 'demo');
    const json = JSON.parse(out.join(''));
    expect(json).toMatchObject({ repo: 'alice/cli-set', upload: [], createRepo: false });
    expect(json.skip).toHaveLength(5);
    expect(json.commit).toBeUndefined();
  });

  it('reads --token-file, and fails with one-line errors without it or with a refused token', async () => {
    delete process.env.HF_TOKEN;
    const { dir } = await makeTokenizedFolder({ rows: 4, shards: 1 });
    const common = [dir, '--repo', 'alice/cli-set', '--hub-url', hub.url, '--no-xet'];
    await expect(run(...common)).rejects.toBeInstanceOf(NoTokenError);

    const tdir = await mkdtemp(join(tmpdir(), 'sftforge-cli-token-'));
    await writeFile(join(tdir, 'bad'), 'hf_unknown_0123456789abc\n');
    const e = await run(...common, '--token-file', join(tdir, 'bad')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TokenRefusedError);
    expect((e as Error).message).not.toContain('hf_unknown_0123456789abc');

    await writeFile(join(tdir, 'good'), TOKEN);
    await run(...common, '--token-file', join(tdir, 'good'), '--private');
    expect(hub.repos.get('alice/cli-set')?.private).toBe(true);
  });
});
