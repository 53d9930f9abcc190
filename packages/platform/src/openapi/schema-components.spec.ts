import { JsonObject, JsonValue } from '@modelyard/types';
import { z } from 'zod';
import { generatedClientProblems, openApiProblems } from '../testing/openapi-check.js';
import { SchemaComponents } from './schema-components.js';

interface Tree {
  label: string;
  children: Tree[];
}
const Tree: z.ZodType<Tree> = z.lazy(() => z.object({ label: z.string(), children: z.array(Tree) }));

const document = (paths: Record<string, unknown>, components: SchemaComponents) => ({
  openapi: '3.1.0',
  info: { title: 'test', version: '1' },
  paths,
  components: { schemas: components.toObject() },
});
const post = (request: unknown, response: unknown) => ({
  post: {
    requestBody: { required: true, content: { 'application/json': { schema: request } } },
    responses: { '200': { description: 'ok', content: { 'application/json': { schema: response } } } },
  },
});

describe('SchemaComponents', () => {
  it('moves recursive definitions to components.schemas, shared, so no $ref dangles', async () => {
    const components = new SchemaComponents(new Map([[JsonValue, 'JsonValue']]));
    const a = components.convert(z.object({ params: JsonObject, value: JsonValue }), 'input');
    const b = components.convert(z.object({ tags: z.array(JsonValue) }), 'output');
    const tree = components.convert(z.object({ root: Tree }), 'output');
    const text = JSON.stringify([a, b, tree, components.toObject()]);
    expect(text).not.toContain('#/$defs/');
    expect(text).not.toContain('$defs');
    expect([...components.schemas.keys()]).toEqual(['JsonValue', 'Schema']);
    expect(components.schemas.get('JsonValue')).toEqual({ title: 'JsonValue', description: 'Any JSON value' });
    expect(a).toMatchObject({ properties: { value: { $ref: '#/components/schemas/JsonValue' } } });
    expect(tree).toMatchObject({ properties: { root: { $ref: '#/components/schemas/Schema' } } });
    expect(components.schemas.get('Schema')).toMatchObject({
      properties: { children: { items: { $ref: '#/components/schemas/Schema' } } },
    });

    const doc = document({ '/a': post(a, b), '/tree': post(tree, tree) }, components);
    expect(await openApiProblems(doc)).toEqual([]);
    expect(await generatedClientProblems(doc)).toEqual([]);
  }, 60_000);

  it('the check it passes finds a dangling $ref, and a generated client that does not compile', async () => {
    const raw = z.toJSONSchema(z.object({ value: JsonValue })) as Record<string, unknown>;
    const { $schema: _s, ...schema } = raw;
    delete (schema as { $defs?: unknown }).$defs;
    const doc = document({ '/a': post(schema, schema) }, new SchemaComponents());
    expect(await openApiProblems(doc)).toEqual([expect.stringContaining('Missing $ref pointer "#/$defs/__schema0"')]);

    // A JSON value spelled out recursively: exact JSON Schema, but its generated type refers to itself.
    const exact = new SchemaComponents();
    const recursive = exact.convert(z.object({ value: JsonValue }), 'input');
    const exactDoc = document({ '/a': post(recursive, recursive) }, exact);
    expect(await openApiProblems(exactDoc)).toEqual([]);
    expect(await generatedClientProblems(exactDoc)).toEqual([
      expect.stringContaining('referenced directly or indirectly in its own type annotation'),
    ]);
  }, 60_000);
});
