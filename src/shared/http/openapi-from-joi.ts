import type Joi from 'joi';

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it); loose on purpose: it is written out, never validated against here. */
export type JsonSchema = Record<string, unknown>;

export type Auth = 'none' | 'session' | 'admin' | 'console';

/** One operation of the API: the document is built from this table; a test checks it against the mounted routers. */
export interface ApiOperation {
  method: 'get' | 'post' | 'delete';
  /** Koa pattern (`/api/admin/payments/:merchant_uid/refund`). */
  path: string;
  summary: string;
  auth: Auth;
  body?: Joi.Schema;
  /** Every field of the body is optional, so the body may be left out. */
  bodyOptional?: boolean;
  query?: Joi.Schema;
  /** status -> response schema (a `$ref` name under components.schemas, or an inline schema). */
  responses: Record<number, string | JsonSchema>;
  tag: string;
}

interface Description {
  type: string;
  flags?: { presence?: string; default?: unknown; only?: boolean; format?: string; description?: string };
  rules?: Array<{ name: string; args?: Record<string, unknown> }>;
  allow?: unknown[];
  keys?: Record<string, Description>;
  matches?: Array<{ schema?: Description }>;
  items?: Description[];
}

const rule = (d: Description, name: string) => d.rules?.find((r) => r.name === name);

/** Joi's `/^x$/` description of a regex, as a JSON Schema pattern. */
function pattern(regex: unknown): string {
  const text = String(regex);
  const match = /^\/(.*)\/[a-z]*$/s.exec(text);
  return match ? match[1] : text;
}

function withAllowed(schema: JsonSchema, d: Description): JsonSchema {
  const allowed = d.allow ?? [];
  if (d.flags?.only) return { ...schema, enum: allowed };
  if (allowed.length === 0) return schema;
  const extra = allowed.filter((v) => v !== null);
  const nullable = allowed.includes(null);
  const result: JsonSchema = { ...schema };
  if (nullable) result.type = [schema.type as string, 'null'];
  if (extra.length > 0) return { anyOf: [result, { enum: extra }] };
  return result;
}

function fromDescription(d: Description): JsonSchema {
  let schema: JsonSchema;
  switch (d.type) {
    case 'object': {
      const properties: Record<string, JsonSchema> = {};
      const required: string[] = [];
      for (const [key, child] of Object.entries(d.keys ?? {})) {
        properties[key] = fromDescription(child);
        if (child.flags?.presence === 'required') required.push(key);
      }
      schema = { type: 'object', properties, ...(required.length ? { required } : {}) };
      break;
    }
    case 'string': {
      schema = { type: 'string' };
      const min = rule(d, 'min');
      const max = rule(d, 'max');
      if (min) schema.minLength = min.args?.limit;
      if (max) schema.maxLength = max.args?.limit;
      const p = rule(d, 'pattern');
      if (p) schema.pattern = pattern(p.args?.regex);
      if (rule(d, 'email')) schema.format = 'email';
      break;
    }
    case 'number': {
      schema = { type: rule(d, 'integer') ? 'integer' : 'number' };
      const min = rule(d, 'min');
      const max = rule(d, 'max');
      if (min) schema.minimum = min.args?.limit;
      if (max) schema.maximum = max.args?.limit;
      break;
    }
    case 'boolean':
      schema = { type: 'boolean' };
      break;
    case 'date':
      schema = { type: 'string', format: 'date-time' };
      break;
    case 'array':
      schema = { type: 'array', ...(d.items?.[0] ? { items: fromDescription(d.items[0]) } : {}) };
      break;
    case 'alternatives':
      schema = { anyOf: (d.matches ?? []).filter((m) => m.schema).map((m) => fromDescription(m.schema as Description)) };
      if (d.allow?.includes(null)) (schema.anyOf as JsonSchema[]).push({ type: 'null' });
      return schema;
    default:
      schema = {};
  }
  if (d.flags && 'default' in d.flags) schema.default = d.flags.default;
  if (d.flags?.description) schema.description = d.flags.description;
  return withAllowed(schema, d);
}

/** A Joi schema as JSON Schema, through `schema.describe()` (types, required keys, lengths, patterns, enums, defaults, null). */
export function joiToJsonSchema(schema: Joi.Schema): JsonSchema {
  return fromDescription(schema.describe() as Description);
}
