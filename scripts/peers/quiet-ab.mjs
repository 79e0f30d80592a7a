#!/usr/bin/env node
// A/B of shell commands on a shared machine: runs them in turn (A, B, A, B, ...), each after a
// second in which the machine was at least 90% idle, and counts a run only when other processes
// used less than MAXF of the two cores meanwhile (from /proc/stat, minus the run's own CPU).
// Prints every run and, per command, the median wall time, CPU and peak RSS of the counted runs.
// usage: node scripts/peers/quiet-ab.mjs N "cmd A" "cmd B" ...   [env MAXF=0.05]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { median } from './measure.mjs';

const [n, ...cmds] = process.argv.slice(2);
const want = Number(n);
if (!(want > 0) || cmds.length === 0) {
  console.error('usage: node scripts/peers/quiet-ab.mjs N "cmd A" "cmd B" ...');
  process.exit(2);
}
const MAXF = Number(process.env.MAXF ?? 0.05);
const cores = cpus().length;

/** Idle and total jiffies of all CPUs. */
function stat() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { idle: f[3] + f[4], total: f.reduce((a, b) => a + b, 0) };
}
const sleep = (s) => spawnSync('sleep', [String(s)]);
function waitQuiet() {
  for (let i = 0; i < 120; i++) {
    const a = stat();
    sleep(1);
    const b = stat();
    if ((b.idle - a.idle) / (b.total - a.total) > 0.9) return;
  }
}

const runs = cmds.map(() => []);
for (let attempt = 0; runs.some((r) => r.length < want) && attempt < want * cmds.length * 6; attempt++) {
  for (let k = 0; k < cmds.length; k++) {
    if (runs[k].length >= want) continue;
    waitQuiet();
    const s0 = stat();
    const t0 = performance.now();
    const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', 'bash', '-c', `${cmds[k]} >/dev/null 2>/dev/null`], { encoding: 'utf8' });
    const wall = (performance.now() - t0) / 1000;
    const s1 = stat();
    const [user, sys, rssKb] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
    const cpu = user + sys;
    // jiffies are 1/100 s (USER_HZ)
    const busy = (s1.total - s0.total - (s1.idle - s0.idle)) / 100;
    const foreign = Math.max(0, busy - cpu) / (wall * cores);
    const counted = foreign < MAXF;
    console.error(`${k + 1} wall ${wall.toFixed(2)} s, cpu ${cpu.toFixed(2)} s, rss ${(rssKb / 1024).toFixed(0)} MiB, others ${(foreign * 100).toFixed(1)}%${counted ? '' : ' (not counted)'}`);
    if (counted) runs[k].push({ wall, cpu, rss: rssKb / 1024 });
  }
}
runs.forEach((r, k) => {
  const walls = r.map((x) => x.wall.toFixed(2)).join(' ');
  console.log(`${k + 1}: wall ${median(r.map((x) => x.wall)).toFixed(2)} s [${walls}], cpu ${median(r.map((x) => x.cpu)).toFixed(2)} s, rss ${median(r.map((x) => x.rss)).toFixed(0)} MiB: ${cmds[k]}`);
});
