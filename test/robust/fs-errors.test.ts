// The environment: a full disk or a read-only folder gives one line naming the path and what to
// do, and leaves no temporary file behind; stale temporaries of killed runs are removed.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AtomicWriter, JsonlWriter, removeStaleTemps, tempName, writeFileAtomic } from '../../src/io/atomic.js';
import { describeFsError, EnvironmentError } from '../../src/core/errors.js';
import { tempDir } from '../helpers/paths.js';

/** A 1 MiB tmpfs when this process may mount one (root in a container); else the tests below that need it are skipped. */
function tryMount(dir: string, opts: string): boolean {
  mkdirSync(dir, { recursive: true });
  return spawnSync('mount', ['-t', 'tmpfs', '-o', opts, 'tmpfs', dir], { stdio: 'ignore' }).status === 0;
}
const base = tempDir('sftforge-fs-');
const full = join(base, 'small');
const ro = join(base, 'ro');
const canMount = tryMount(full, 'size=1m');
const canMountRo = canMount && tryMount(ro, 'size=1m,ro');
afterAll(() => {
  for (const d of [full, ro]) spawnSync('umount', [d], { stdio: 'ignore' });
});

const mb = 'x'.repeat(1 << 20);

describe('describeFsError', () => {
  it('names the path, the cause and what to do, for the codes of a hostile environment only', () => {
    const e = describeFsError(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }), '/out/a.jsonl');
    expect(e).toBeInstanceOf(EnvironmentError);
    expect(e!.message.split('\n')[0]).toBe('cannot write /out/a.jsonl: no space left on the device (ENOSPC)');
    expect(e!.message).toMatch(/hint: free space there or write the output elsewhere/);
    for (const code of ['EROFS', 'EACCES', 'EPERM', 'EMFILE', 'ENOENT']) expect(describeFsError({ code }, '/o')).toBeInstanceOf(EnvironmentError);
    expect(describeFsError(new TypeError('bug'), '/o')).toBeUndefined();
  });
});

describe('writers on a full disk', () => {
  it('injected (a temporary name that leads to /dev/full): ENOSPC as one line, the temporary removed', async () => {
    const dir = tempDir();
    const out = join(dir, 'a.jsonl');
    symlinkSync('/dev/full', tempName(out));
    const w = await new JsonlWriter(out).open();
    const err = await (async () => {
      for (let i = 0; i < 8; i++) await w.write({ i, mb });
      await w.commit();
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as EnvironmentError).code).toBe('ENOSPC');
    expect((err as Error).message).toContain(`cannot write ${out}: no space left on the device`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.skipIf(!canMount)('a real 1 MiB tmpfs: AtomicWriter and writeFileAtomic fail with ENOSPC and leave nothing', async () => {
    const out = join(full, 'b.jsonl');
    const w = await new AtomicWriter(out).open();
    const err = await (async () => {
      for (let i = 0; i < 4; i++) await w.write(mb);
      await w.commit();
    })().catch((e: unknown) => e);
    expect((err as EnvironmentError).code).toBe('ENOSPC');
    expect(readdirSync(full)).toEqual([]);
    const err2 = await writeFileAtomic(join(full, 'c.json'), Buffer.alloc(3 << 20)).catch((e: unknown) => e);
    expect((err2 as EnvironmentError).code).toBe('ENOSPC');
    expect(readdirSync(full)).toEqual([]);
    // The disk has room again for a small file: the failed writes freed theirs.
    await writeFileAtomic(join(full, 'd.json'), '{}');
    expect(readdirSync(full)).toEqual(['d.json']);
  });

  it.skipIf(!canMountRo)('a read-only folder: EROFS as one line, no stack', async () => {
    const err = await new AtomicWriter(join(ro, 'x', 'e.jsonl')).open().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message.split('\n')[0]).toBe(`cannot write ${join(ro, 'x', 'e.jsonl')}: the file system is read-only (EROFS)`);
    const err2 = await writeFileAtomic(join(ro, 'f.json'), '{}').catch((e: unknown) => e);
    expect((err2 as EnvironmentError).code).toBe('EROFS');
  });
});

describe('removeStaleTemps', () => {
  it('removes PATH.tmp-<pid> of dead processes only', async () => {
    const dir = tempDir();
    const out = join(dir, 'o.jsonl');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(`${out}.tmp-${dead}`, 'stale');
    writeFileSync(`${out}.tmp-${process.ppid}`, 'a live process'); // our parent is alive
    writeFileSync(`${out}.tmp-${process.pid}`, 'ours');
    writeFileSync(join(dir, 'other.jsonl.tmp-' + dead), 'another output');
    writeFileSync(`${out}.tmp-abc`, 'not a pid');
    expect(await removeStaleTemps(out)).toEqual([`o.jsonl.tmp-${dead}`]);
    expect(existsSync(`${out}.tmp-${dead}`)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual([`o.jsonl.tmp-${process.pid}`, `o.jsonl.tmp-${process.ppid}`, 'o.jsonl.tmp-abc', `other.jsonl.tmp-${dead}`].sort());
    expect(await removeStaleTemps(join(dir, 'missing', 'x'))).toEqual([]);
  });

  it('takes several outputs in one call, one listing per folder', async () => {
    const a = tempDir();
    const b = tempDir();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    // A base name that itself holds ".tmp-": the pid is what follows the last one.
    const paths = [join(a, 'o.jsonl'), join(a, 'o.rejects.jsonl'), join(b, 'x.tmp-7')];
    for (const p of paths) writeFileSync(`${p}.tmp-${dead}`, 'stale');
    writeFileSync(join(a, `o.report.json.tmp-${dead}`), 'not one of the paths');
    expect((await removeStaleTemps(paths)).sort()).toEqual([`o.jsonl.tmp-${dead}`, `o.rejects.jsonl.tmp-${dead}`, `x.tmp-7.tmp-${dead}`].sort());
    expect(readdirSync(a)).toEqual([`o.report.json.tmp-${dead}`]);
    expect(readdirSync(b)).toEqual([]);
  });
});
