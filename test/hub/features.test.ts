import { describe, expect, it } from 'vitest';
import { Bool, DateDay, Field, FixedSizeList, Float64, Int64, LargeUtf8, List, Schema, Struct, Uint8, Utf8 } from 'apache-arrow';
import { featuresFromSchema, UnsupportedFeatureError } from '../../src/hub/features.js';

describe('featuresFromSchema', () => {
  it('writes features in the YAML shape datasets itself writes (Features._to_yaml_list)', () => {
    const schema = new Schema([
      new Field('flag', new Bool()),
      new Field('n', new Int64()),
      new Field('b', new Uint8()),
      new Field('x', new Float64()),
      new Field('s', new LargeUtf8()),
      new Field('nested', new List(new Field('item', new List(new Field('item', new Utf8()))))),
      new Field('fixed', new FixedSizeList(3, new Field('item', new Float64()))),
      new Field('turn', new Struct([new Field('role', new Utf8()), new Field('tokens', new List(new Field('item', new Int64())))])),
    ]);
    expect(featuresFromSchema(schema)).toEqual([
      { name: 'flag', dtype: 'bool' },
      { name: 'n', dtype: 'int64' },
      { name: 'b', dtype: 'uint8' },
      { name: 'x', dtype: 'float64' },
      { name: 's', dtype: 'large_string' },
      { name: 'nested', list: { list: 'string' } },
      { name: 'fixed', list: 'float64', length: 3 },
      {
        name: 'turn',
        struct: [
          { name: 'role', dtype: 'string' },
          { name: 'tokens', list: 'int64' },
        ],
      },
    ]);
  });

  it('refuses a type the card cannot describe, naming the column', () => {
    expect(() => featuresFromSchema(new Schema([new Field('day', new DateDay())]))).toThrow(UnsupportedFeatureError);
    expect(() => featuresFromSchema(new Schema([new Field('day', new DateDay())]))).toThrow(/column day has Arrow type/);
  });
});
