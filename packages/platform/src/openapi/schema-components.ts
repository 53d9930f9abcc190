import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

const LOCAL_REF = '#/$defs/';
const COMPONENT_REF = '#/components/schemas/';

/**
 * Turns zod schemas into JSON Schema for one OpenAPI document. zod puts the definitions a schema
 * refers to (recursive ones such as JsonValue, or schemas with an `id`) under the schema's own
 * `$defs` and points at them with `#/$defs/…`, a pointer from the *document* root once the schema
 * is embedded in an OpenAPI path: dangling, and client generators stop there. So every definition
 * is moved to `components.schemas` (once, shared by every route that uses it) and its references
 * are rewritten to `#/components/schemas/…`.
 */
export class SchemaComponents {
  /** Component name → schema, in insertion order. */
  readonly schemas = new Map<string, JsonSchema>();
  /** A definition (its local name and every definition it may refer to) → its component name. */
  private readonly byContent = new Map<string, string>();

  /**
   * @param anyJson schemas documented as "any JSON value" (`{}`) under a component name. A
   * recursive JSON value type (`string | … | JsonValue[] | { [k]: JsonValue }`) is exact in JSON
   * Schema, but generators such as openapi-typescript turn its array branch into a TypeScript type
   * that refers to itself eagerly and does not compile; on the wire any JSON value is one anyway.
   */
  constructor(private readonly anyJson: ReadonlyMap<z.ZodType, string> = new Map()) {}

  convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const override = (ctx: { zodSchema: unknown; jsonSchema: JsonSchema }) => this.opaque(ctx);
    const converted = z.toJSONSchema(schema, { io, unrepresentable: 'any', override }) as JsonSchema;
    const { $schema: _ignored, $defs, ...rest } = converted;
    const defs = ($defs ?? {}) as Record<string, JsonSchema>;
    const names = new Map(Object.keys(defs).map((local) => [local, this.componentName(local, defs)]));
    for (const [local, def] of Object.entries(defs)) {
      const name = names.get(local)!;
      if (!this.schemas.has(name)) this.schemas.set(name, rewriteRefs(def, names) as JsonSchema);
    }
    return rewriteRefs(rest, names) as JsonSchema;
  }

  private opaque(ctx: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
    const name = this.anyJson.get(ctx.zodSchema as z.ZodType);
    if (name === undefined) return;
    for (const key of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[key];
    Object.assign(ctx.jsonSchema, { title: name, description: 'Any JSON value' });
  }

  /** Component names in the form OpenAPI documents carry them. */
  toObject(): Record<string, JsonSchema> {
    return Object.fromEntries(this.schemas);
  }

  private componentName(local: string, defs: Record<string, JsonSchema>): string {
    // Local names are only unique within one conversion: the same name and the same set of
    // definitions is the same schema (JsonValue in every route that carries JSON), anything else is not.
    const key = JSON.stringify([local, defs]);
    const known = this.byContent.get(key);
    if (known) return known;
    // zod's generated names (__schema0) mean nothing to a reader; a title or an id given with .meta({ id }) do.
    const title = defs[local]?.title;
    const generated = /^__schema\d+$/.test(local);
    const base = (generated ? (typeof title === 'string' ? title : 'Schema') : local).replace(/[^\w.-]/g, '_');
    let name = base;
    for (let n = 2; this.schemas.has(name) || [...this.byContent.values()].includes(name); n++) name = `${base}${n}`;
    this.byContent.set(key, name);
    return name;
  }
}

function rewriteRefs(value: unknown, names: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, names));
  if (value === null || typeof value !== 'object') return value;
  const out: JsonSchema = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === '$ref' && typeof v === 'string' && v.startsWith(LOCAL_REF)) {
      const target = names.get(decodeURIComponent(v.slice(LOCAL_REF.length)));
      out[key] = target ? `${COMPONENT_REF}${encodeURIComponent(target)}` : v;
    } else {
      out[key] = rewriteRefs(v, names);
    }
  }
  return out;
}
