/**
 * The columns of a tokenized dataset, as HF `datasets` features and as the Arrow schema that
 * matches them exactly (datasets checks `features.type == table schema` on load).
 *
 * Features JSON is written the way every `datasets` version reads it: a primitive is
 * `{"dtype": "int32", "_type": "Value"}`, a list `{"feature": …, "length": -1, "_type": "Sequence"}`.
 * datasets 4 writes lists as `_type: "List"` but still reads `Sequence` (its documented backward
 * compatibility, which maps it to `List`); datasets 2/3 know only `Sequence` and need `length`.
 * Arrow side: `Value("string")` is `utf8`, `Sequence(Value("int32"))` is `list<item: int32>`, all
 * fields nullable, as `Features.arrow_schema` builds them.
 */
import { Field, Float32, Int32, List, Schema, Utf8, type DataType } from 'apache-arrow';

export interface Columns {
  /** `loss_weights` (float32 per token). */
  lossWeights: boolean;
  /** Packed rows: `position_ids`, `seq_lengths`, `seq_ids`. */
  packed: boolean;
}

/**
 * Trainer columns besides ids and labels: `attention_mask` (all ones; axolotl's pre-tokenized
 * format needs it) and `assistant_masks` (1 where trained: TRL's name, transformers'
 * `return_assistant_tokens_mask`). Packed rows add `position_ids` restarting at every sequence and
 * `seq_lengths`, the column TRL's SFTTrainer keeps (signature columns input_ids, labels,
 * seq_lengths) and its padding-free collator turns into per-sequence position_ids.
 */
export const SEQ_LENGTHS = 'seq_lengths';

type Dtype = 'string' | 'int32' | 'float32';
type Feature = { dtype: Dtype; _type: 'Value' } | { feature: Feature; length: -1; _type: 'Sequence' };

const value = (dtype: Dtype): Feature => ({ dtype, _type: 'Value' });
const seq = (f: Feature): Feature => ({ feature: f, length: -1, _type: 'Sequence' });

/** Column names in output order with their features. */
export function columnFeatures(c: Columns): [string, Feature][] {
  const cols: [string, Feature][] = [
    ['id', value('string')],
    ['input_ids', seq(value('int32'))],
    ['labels', seq(value('int32'))],
    ['attention_mask', seq(value('int32'))],
    ['assistant_masks', seq(value('int32'))],
  ];
  if (c.lossWeights) cols.push(['loss_weights', seq(value('float32'))]);
  if (c.packed) cols.push(['position_ids', seq(value('int32'))], [SEQ_LENGTHS, seq(value('int32'))], ['seq_ids', seq(value('string'))]);
  return cols;
}

export function hfFeatures(c: Columns): Record<string, Feature> {
  return Object.fromEntries(columnFeatures(c));
}

function arrowType(f: Feature): DataType {
  if (f._type === 'Sequence') return new List(new Field('item', arrowType(f.feature), true));
  return f.dtype === 'string' ? new Utf8() : f.dtype === 'int32' ? new Int32() : new Float32();
}

/** The schema, with the features under metadata key `huggingface` as datasets' ArrowWriter writes them. */
export function arrowSchema(c: Columns): Schema {
  const cols = columnFeatures(c);
  const fields = cols.map(([name, f]) => new Field(name, arrowType(f), true));
  const meta = JSON.stringify({ info: { features: hfFeatures(c) } });
  return new Schema(fields, new Map([['huggingface', meta]]));
}
