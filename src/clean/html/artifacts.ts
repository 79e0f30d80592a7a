/**
 * Text the ChatGPT UI (or a browser extension) put around a turn when ShareGPT scraped its
 * `textContent`: the regenerate counter (`2 / 2`), `Copy N chars / N words`, stray `Copy code`.
 * Only exact UI shapes are removed, and never inside fenced code: "1 / 2 cup" in a recipe line,
 * a fraction in prose, a `Copy code` string inside code all stay.
 */

export interface StripResult {
  text: string;
  /** How many artifacts were removed. */
  removed: number;
}

/** `a / b` with 1 ≤ a ≤ b ≤ 99, as the UI printed its regenerate counter. */
function isCounter(a: string, b: string): boolean {
  const x = Number(a);
  const y = Number(b);
  return x >= 1 && x <= y && y <= 99;
}

/**
 * Leading counter: alone on the first line, or glued to the text that follows (`2 / 2Write…`),
 * which is how the UI's textContent joined it. A counter followed by a space is left alone:
 * "1 / 2 cup of flour" is a recipe, not a counter.
 */
const LEADING = /^[ \t]*(\d{1,2}) \/ (\d{1,2})(?:[ \t]*(?:\r?\n|$)|(?=[^\s\d]))/;
/**
 * Trailing counter: alone on the last line, or glued after a letter or closing punctuation
 * (`…告诉我！”2 / 2`, `…指控？1 / 1`). After a digit, space or operator it is arithmetic
 * ("x = 1 / 2") and stays.
 */
const TRAILING = /(?:(?<=[\p{L}\p{M}.,;:!?。？！，；：)）\]"'”’…])|(?:^|\r?\n)[ \t]*)(\d{1,2}) \/ (\d{1,2})[ \t]*$/u;
const COPY_STATS = /^[ \t]*Copy \d[\d,]* chars? \/ \d[\d,]* words?[ \t]*$/;
const COPY_STATS_GLUED = /Copy \d[\d,]* chars? \/ \d[\d,]* words?/g;
const COPY_CODE = /^[ \t]*Copy code[ \t]*$/;
// Any indentation: fences inside list items are indented to the item.
const FENCE = /^[ \t]*(`{3,}|~{3,})/;

/**
 * Could `text` end with a counter (a digit, then at most spaces)? TRAILING is unanchored at its
 * start, so V8 tries it at every position: this check on the last characters skips it for
 * nearly every turn.
 */
function mayEndWithCounter(text: string): boolean {
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--;
  const last = text.charCodeAt(end - 1);
  return last >= 48 && last <= 57 && text.lastIndexOf(' / ', end) >= end - 6;
}

function stripCounters(text: string): StripResult {
  let removed = 0;
  let out = text;
  const lead = LEADING.exec(out);
  if (lead && isCounter(lead[1]!, lead[2]!)) {
    out = out.slice(lead[0].length);
    removed++;
  }
  const trail = mayEndWithCounter(out) ? TRAILING.exec(out) : null;
  if (trail && isCounter(trail[1]!, trail[2]!)) {
    out = out.slice(0, trail.index);
    removed++;
  }
  return { text: out, removed };
}

/** Line-level artifacts, outside fenced code only. */
function stripLines(text: string): StripResult {
  // Every line artifact starts with "Copy ": without one there is nothing to find.
  if (!text.includes('Copy ')) return { text, removed: 0 };
  let removed = 0;
  let fence = '';
  const kept: string[] = [];
  for (const line of text.split('\n')) {
    const f = FENCE.exec(line);
    if (fence) {
      if (f && f[1]![0] === fence[0] && f[1]!.length >= fence.length && line.trim() === f[0].trim()) fence = '';
      kept.push(line);
      continue;
    }
    if (f) {
      fence = f[1]!;
      kept.push(line);
      continue;
    }
    if (COPY_STATS.test(line) || COPY_CODE.test(line)) {
      removed++;
      continue;
    }
    const glued = line.replace(COPY_STATS_GLUED, () => {
      removed++;
      return '';
    });
    kept.push(glued);
  }
  return { text: kept.join('\n'), removed };
}

export function stripShareGptArtifacts(text: string): StripResult {
  const counters = stripCounters(text);
  const lines = stripLines(counters.text);
  const removed = counters.removed + lines.removed;
  // Only re-trim when something was taken out: an untouched turn comes back byte-identical.
  return { text: removed > 0 ? lines.text.trim() : text, removed };
}
