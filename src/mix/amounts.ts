/**
 * Mixture amounts as open-instruct's `dataset_mixer_list` reads them (dataset_transformation.py,
 * load_dataset_configs): a string with a dot is a fraction of the source ("0.5", "1.0", "3.0"),
 * without one a count of records ("30000"). "1" is one record, not all of them.
 */
export type Amount = { kind: 'fraction'; value: number; text: string } | { kind: 'count'; value: number; text: string };

/** The amount, or an error message saying what is wrong with the text. */
export function parseAmount(text: string): Amount | string {
  const s = text.trim();
  if (s.includes('.')) {
    if (!/^\d*\.\d*$/.test(s) || s === '.') return `"${text}" is not a fraction (digits with one dot, e.g. "0.5" or "2.0")`;
    return { kind: 'fraction', value: Number(s), text };
  }
  if (!/^\d+$/.test(s)) return `"${text}" is not a count or a fraction (e.g. "30000" or "0.5")`;
  const value = Number(s);
  if (!Number.isSafeInteger(value)) return `"${text}" is too large a count`;
  return { kind: 'count', value, text };
}

/**
 * How many records a source gives: a count as is (above the source's size it upsamples), a
 * fraction of the size rounded down, as Python's int(frac * size).
 */
export function targetSize(a: Amount, size: number): number {
  return a.kind === 'count' ? a.value : Math.floor(a.value * size);
}
