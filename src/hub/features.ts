/**
 * The card's `dataset_info.features`, derived from the Arrow schema of the shards actually
 * uploaded. `datasets` casts every table it loads to these features, so they must describe the
 * files exactly: reading them off the schema (rather than off a manifest) guarantees that.
 * The YAML shape is the one `datasets` writes itself (`Features._to_yaml_list`): a primitive is
 * `{name, dtype}`, a list is `{name, list: <inner>}` with a primitive inner simplified to its dtype.
 */
import { DataType, type Field, type Schema, Type } from 'apache-arrow';

export type YamlFeature = { name: string } & YamlType;
export type YamlType = { dtype: string } | { list: string | YamlType; length?: number } | { large_list: string | YamlType } | { struct: YamlFeature[] };

export class UnsupportedFeatureError extends Error {}

/** `datasets` dtype names for Arrow primitives (see datasets' `_arrow_to_datasets_dtype`). */
function primitiveDtype(t: DataType): string | undefined {
  switch (t.typeId) {
    case Type.Null:
      return 'null';
    case Type.Bool:
      return 'bool';
    case Type.Utf8:
      return 'string';
    case Type.LargeUtf8:
      return 'large_string';
    case Type.Binary:
      return 'binary';
    case Type.LargeBinary:
      return 'large_binary';
    case Type.Dictionary:
      return primitiveDtype((t as unknown as { dictionary: DataType }).dictionary);
  }
  if (DataType.isInt(t)) return `${t.isSigned ? 'int' : 'uint'}${t.bitWidth}`;
  if (DataType.isFloat(t)) return ['float16', 'float32', 'float64'][t.precision];
  return undefined;
}

function yamlType(t: DataType, where: string): YamlType {
  const dtype = primitiveDtype(t);
  if (dtype) return { dtype };
  const inner = (f: Field) => {
    const y = yamlType(f.type, `${where}.${f.name}`);
    return 'dtype' in y ? y.dtype : y;
  };
  if (DataType.isList(t)) return { list: inner(t.children[0]!) };
  if (DataType.isFixedSizeList(t)) return { list: inner(t.children[0]!), length: t.listSize };
  if (DataType.isLargeList(t)) return { large_list: inner(t.children[0]!) };
  if (DataType.isStruct(t)) return { struct: t.children.map((f) => ({ name: f.name, ...yamlType(f.type, `${where}.${f.name}`) })) };
  throw new UnsupportedFeatureError(`column ${where} has Arrow type ${String(t)}, which the dataset card cannot describe`);
}

export function featuresFromSchema(schema: Schema): YamlFeature[] {
  return schema.fields.map((f) => ({ name: f.name, ...yamlType(f.type, f.name) }));
}
