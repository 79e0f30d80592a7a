// Runs one whole process and measures it: wall time, user+sys CPU (the process and every child it
// waited for, from /usr/bin/time), the largest single process's peak RSS (ru_maxrss), and the
// peak of the summed RSS of the whole process tree, sampled from /proc every 50 ms (FastChat's
// default mode is one process per core; the sum is what the machine has to hold).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TIME = '/usr/bin/time';

function children(pid) {
  const out = [];
  let tasks = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tasks) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ')) if (c.trim()) out.push(Number(c));
    } catch {
      /* the task ended meanwhile */
    }
  }
  return out;
}

function rssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Sum of VmRSS over pid and its descendants, minus /usr/bin/time itself (the root). */
function treeRssKb(root) {
  let sum = 0;
  const stack = children(root);
  while (stack.length) {
    const p = stack.pop();
    sum += rssKb(p);
    stack.push(...children(p));
  }
  return sum;
}

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {{env?: Record<string,string>, cwd?: string, stdout?: 'ignore'|'pipe'}} [o]
 * @returns {Promise<{wall:number, cpu:number, user:number, sys:number, maxRssMiB:number, treeRssMiB:number, code:number, stderr:string, stdout:string}>}
 */
export async function measure(cmd, args, o = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-peers-'));
  const tfile = join(dir, 'time');
  const t0 = performance.now();
  const child = spawn(TIME, ['-f', '%e %U %S %M', '-o', tfile, cmd, ...args], {
    env: { ...process.env, ...(o.env ?? {}) },
    cwd: o.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRssKb(child.pid));
  }, 50);
  const code = await new Promise((res) => child.on('close', (c) => res(c ?? -1)));
  const wall = (performance.now() - t0) / 1000;
  clearInterval(timer);
  const [, user, sys, maxKb] = readFileSync(tfile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${stderr.slice(-2000)}`);
  return { wall, user, sys, cpu: user + sys, maxRssMiB: maxKb / 1024, treeRssMiB: Math.max(peak, maxKb) / 1024, code, stderr, stdout };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
export const range = (xs) => [Math.min(...xs), Math.max(...xs)];
export const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** Load average and usable cores, for a benchmark row (~1 s: call it between rows, not runs). */
export const loadAndCores = () => `${loadavg()} (cores ${usableCores()})`;

/**
 * The cores two CPU-bound processes actually get at this moment: 2 × (time alone) / (time of the
 * slower of two at once). On a shared host a vCPU can be there one minute and half-there the
 * next, which load average does not show and which moves every "default vs default" ratio.
 */
export function usableCores() {
  const spin = ['-e', 'const t=process.hrtime.bigint();let x=0;for(let i=0;i<2e8;i++)x+=i%7;console.log(Number(process.hrtime.bigint()-t)/1e6)'];
  const alone = Math.min(...[0, 1].map(() => Number(execFileSync(process.execPath, spin, { encoding: 'utf8' }))));
  const pair = execFileSync('sh', ['-c', `"${process.execPath}" -e '${spin[1]}' & "${process.execPath}" -e '${spin[1]}'; wait`], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map(Number);
  return Math.min(2, (2 * alone) / Math.max(...pair)).toFixed(2);
}
