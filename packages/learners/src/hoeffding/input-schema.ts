/**
 * Turns a tree's inputs into one vector of attribute values: a dense Float64Array is used as it is
 * (every position a numeric attribute); a feature record is mapped name by name, attributes being
 * added in the order their names are first learned.
 *
 * Record values: a finite number is numeric; a string, or a boolean ('true'/'false'), is nominal and
 * stored as the code of its value (codes in the order values are first learned). The kind of a name
 * is fixed by its first learned value; a value of the other kind later counts as missing, as do
 * null, undefined and non-finite numbers. Missing values are NaN in the vector; a nominal value never
 * learned is −1. Bounds (so a stream of fresh names or values cannot grow a model without limit):
 * MAX_ATTRIBUTES names and MAX_NOMINAL_VALUES values per name; past them, new ones count as missing.
 */
import { F64, numberIsFinite } from '../globals.js';
import type { FeatureRecord } from '../hash.js';

export const MAX_ATTRIBUTES = 10_000;
export const MAX_NOMINAL_VALUES = 1024;
/** Code of a nominal value the tree has not learned. */
export const UNSEEN = -1;

export type AttributeKind = 'numeric' | 'nominal';

export interface AttributeState {
  name: string;
  kind: AttributeKind;
  /** Nominal values in code order. */
  values: string[];
}

export interface InputSchemaState {
  /** null until the first sample is learned. */
  mode: 'dense' | 'record' | null;
  /** Dense: the input length. */
  dim: number;
  attributes: AttributeState[];
}

interface Attribute {
  name: string;
  kind: AttributeKind;
  values: string[];
  codes: Map<string, number>;
}

export class InputSchema {
  mode: 'dense' | 'record' | null = null;
  dim = 0;
  private readonly attributes: Attribute[] = [];
  private readonly byName = new Map<string, number>();

  get size(): number {
    return this.mode === 'dense' ? this.dim : this.attributes.length;
  }

  kind(i: number): AttributeKind {
    return this.mode === 'dense' ? 'numeric' : this.attributes[i]!.kind;
  }

  /** The attribute vector of x; `learn` lets new names and values in. */
  encode(x: Float64Array | FeatureRecord, learn: boolean): Float64Array {
    if (x instanceof F64) return this.dense(x, learn);
    if (this.mode === 'dense') throw new TypeError('this tree learned dense inputs; got a feature record');
    if (learn) {
      this.mode = 'record';
      this.register(x);
    }
    const out = new F64(this.attributes.length).fill(NaN);
    for (const name in x) {
      const v = x[name];
      const i = this.byName.get(name);
      if (v === null || v === undefined || i === undefined) continue;
      out[i] = this.valueOf(this.attributes[i]!, v, false);
    }
    return out;
  }

  toJSON(): InputSchemaState {
    return {
      mode: this.mode,
      dim: this.dim,
      attributes: this.attributes.map((a) => ({ name: a.name, kind: a.kind, values: [...a.values] })),
    };
  }

  static fromJSON(s: InputSchemaState): InputSchema {
    const schema = new InputSchema();
    if (s.mode !== null && s.mode !== 'dense' && s.mode !== 'record') throw new TypeError('input schema: unknown mode');
    schema.mode = s.mode;
    schema.dim = s.dim;
    for (const a of s.attributes) {
      if (a.kind !== 'numeric' && a.kind !== 'nominal') throw new TypeError(`input schema: unknown kind of '${a.name}'`);
      const i = schema.addAttribute(a.name, a.kind);
      for (const value of a.values) schema.addValue(schema.attributes[i]!, value);
    }
    return schema;
  }

  private dense(x: Float64Array, learn: boolean): Float64Array {
    if (this.mode === 'record') throw new TypeError('this tree learned feature records; got a dense vector');
    if (this.mode === null && learn) {
      this.mode = 'dense';
      this.dim = x.length;
    }
    if (this.mode === 'dense' && x.length !== this.dim) throw new RangeError(`expected ${this.dim} features, got ${x.length}`);
    return x;
  }

  /** Gives the record's new names an attribute and its new nominal values a code. */
  private register(x: FeatureRecord): void {
    for (const name in x) {
      const v = x[name];
      if (v === null || v === undefined) continue;
      let i = this.byName.get(name);
      if (i === undefined) i = this.addAttribute(name, typeof v === 'number' ? 'numeric' : 'nominal');
      if (i >= 0) this.valueOf(this.attributes[i]!, v, true);
    }
  }

  private addAttribute(name: string, kind: AttributeKind): number {
    if (this.attributes.length >= MAX_ATTRIBUTES) return -1;
    this.byName.set(name, this.attributes.length);
    this.attributes.push({ name, kind, values: [], codes: new Map() });
    return this.attributes.length - 1;
  }

  private addValue(a: Attribute, value: string): number {
    if (a.values.length >= MAX_NOMINAL_VALUES) return UNSEEN;
    a.codes.set(value, a.values.length);
    a.values.push(value);
    return a.values.length - 1;
  }

  private valueOf(a: Attribute, v: number | string | boolean, learn: boolean): number {
    if (a.kind === 'numeric') return typeof v === 'number' && numberIsFinite(v) ? v : NaN;
    if (typeof v === 'number') return NaN;
    const key = typeof v === 'boolean' ? String(v) : v;
    return a.codes.get(key) ?? (learn ? this.addValue(a, key) : UNSEEN);
  }
}
