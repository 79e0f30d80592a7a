/**
 * `{% generation %}…{% endgeneration %}` (transformers' AssistantTracker extension) marks the
 * text of an assistant turn that `return_assistant_tokens_mask` trains. @huggingface/jinja 0.5.11
 * accepts the tags but drops them, so the positions are lost. Before parsing, each tag is
 * replaced by a private marker character written as plain template text; after rendering, the
 * markers give the generation regions and are removed.
 *
 * The replacement applies the whitespace rules a block tag has under transformers' settings
 * (trim_blocks and lstrip_blocks on): `{%-` strips all whitespace before the tag, `-%}` all
 * whitespace after it; otherwise lstrip_blocks removes spaces/tabs between a line start and the
 * tag, and trim_blocks removes one newline right after it. `+` disables the stripping on its side.
 */

/** Noncharacters: never in well-formed interchange text; content holding them is refused. */
export const GEN_START = '\uFDD0';
export const GEN_END = '\uFDD1';

const TAG = /\{%([-+]?)\s*(end)?generation\s*([-+]?)%\}/g;

export function hasGenerationTags(source: string): boolean {
  // A fresh non-global regex: `test` on the global one would leave lastIndex set, and matchAll
  // copies lastIndex, silently skipping the first tag.
  return new RegExp(TAG.source).test(source);
}

export function rewriteGenerationTags(source: string): string {
  let out = '';
  let pos = 0;
  for (const m of source.matchAll(TAG)) {
    const [whole, left, end, right] = m as unknown as [string, string, string | undefined, string];
    let before = source.slice(pos, m.index);
    if (left === '-') {
      before = before.replace(/\s+$/u, '');
    } else if (left !== '+') {
      // lstrip_blocks: only when the tag is the first non-blank thing on its line.
      const lineStart = (out + before).lastIndexOf('\n') + 1;
      const lineSoFar = (out + before).slice(lineStart);
      if (/^[ \t]*$/.test(lineSoFar)) before = before.replace(/[ \t]*$/, '');
    }
    out += before + (end ? GEN_END : GEN_START);
    pos = m.index + whole.length;
    if (right === '-') {
      while (pos < source.length && /\s/u.test(source[pos]!)) pos++;
    } else if (right !== '+' && source[pos] === '\n') {
      pos++; // trim_blocks
    }
  }
  return out + source.slice(pos);
}

export interface Region {
  start: number;
  end: number;
}

/** Removes the markers from a render and returns the regions they enclosed (in the clean text). */
export function extractGenerationRegions(rendered: string): { text: string; regions: Region[]; error?: string } {
  if (!rendered.includes(GEN_START) && !rendered.includes(GEN_END)) return { text: rendered, regions: [] };
  let text = '';
  const regions: Region[] = [];
  let open = -1;
  let error: string | undefined;
  let last = 0;
  for (let i = 0; i < rendered.length; i++) {
    const c = rendered[i];
    if (c !== GEN_START && c !== GEN_END) continue;
    text += rendered.slice(last, i);
    last = i + 1;
    if (c === GEN_START) {
      if (open >= 0) error ??= 'nested {% generation %} blocks';
      open = text.length;
    } else if (open < 0) {
      error ??= '{% endgeneration %} without {% generation %}';
    } else {
      regions.push({ start: open, end: text.length });
      open = -1;
    }
  }
  text += rendered.slice(last);
  if (open >= 0) error ??= '{% generation %} block not closed';
  return { text, regions, error };
}
