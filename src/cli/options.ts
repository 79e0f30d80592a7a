/** Shared option parsers for commander: they fail with a message that names the option value. */
import { InvalidArgumentError } from 'commander';
import type { InputFormat } from '../core/types.js';
import { INPUT_FORMATS } from '../io/read.js';

export function intOption(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`"${v}" is not a whole number`);
  return n;
}

export function floatOption(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`"${v}" is not a number`);
  return n;
}

export function listOption(v: string): string[] {
  return v.split(',').map((s) => s.trim()).filter(Boolean);
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

/** A parser for the readers' `--format`/`--input-format`: one of INPUT_FORMATS, checked while parsing. */
export function inputFormatOption(flag: string): (v: string) => InputFormat {
  return (v) => {
    if (!(INPUT_FORMATS as readonly string[]).includes(v)) throw new InvalidArgumentError(`${flag} ${v} is not one of ${INPUT_FORMATS.join(', ')}`);
    return v as InputFormat;
  };
}

export const INPUT_FORMAT_HELP = `input format: ${INPUT_FORMATS.join('|')} (default: detected per file)`;
