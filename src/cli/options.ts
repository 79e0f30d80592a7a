/** Shared option parsers for commander: they fail with a message that names the option value. */
import { InvalidArgumentError } from 'commander';
// The names alone (not src/io/formats/index.ts, which loads every converter): parsing flags stays cheap.
import { canonicalFormat, formatNames } from '../io/formats/names.js';

export function intOption(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`"${v}" is not a whole number (0 to 2^53)`);
  return n;
}

export function floatOption(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`"${v}" is not a number`);
  return n;
}

export function listOption(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Ctrl-C: let in-flight writes finish and exit cleanly; a second Ctrl-C exits at once. */
export function signalOnSigint(): AbortSignal {
  const ac = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\ninterrupted: finishing writes (Ctrl-C again to quit at once)\n');
    ac.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  return ac.signal;
}

/** A parser for the readers' `--input-format`: a format name or alias (src/io/formats), checked while parsing. */
export function inputFormatOption(flag: string): (v: string) => string {
  return (v) => {
    if (v !== 'auto' && !canonicalFormat(v)) throw new InvalidArgumentError(`${flag} ${v} is not one of auto, ${formatNames().join(', ')}`);
    return v;
  };
}

export const INPUT_FORMAT_HELP = `input format: auto, ${formatNames().join(', ')} (default: detected per file; see docs/FORMATS.md)`;

/** A whole number in 1..max, checked while parsing (`--workers 0` is refused, not taken as "default"). */
export function positiveOption(flag: string, max: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`${flag} ${v}: use a whole number from 1 to ${max}`);
    return n;
  };
}

/**
 * `--input-format` (and the old `--format`, accepted with a deprecation line): one meaning per
 * flag on every command. Sets `inputFormat` on the parsed options.
 */
export function inputFormatFlags<C extends import('commander').Command>(cmd: C): C {
  const parse = inputFormatOption('--input-format');
  cmd.option('--input-format <format>', INPUT_FORMAT_HELP, parse);
  cmd.option('--format <format>', 'deprecated spelling of --input-format', (v: string) => {
    process.stderr.write('sftforge: --format is deprecated here: use --input-format\n');
    return parse(v);
  });
  cmd.hook('preAction', (_this, action) => {
    const o = action.opts();
    if (o.format !== undefined && o.inputFormat === undefined) action.setOptionValue('inputFormat', o.format);
  });
  return cmd;
}
