import { API_OPERATION_IDS } from './operation-ids.js';

// The OpenAPI document as generated clients need it, finished in one place after the routes'
// zod schemas have been turned into JSON Schema (fastify-type-provider-zod): what the routes
// cannot say about themselves, said once for every route, so no route can forget it.

type Json = Record<string, unknown>;
interface Operation extends Json {
  operationId?: string;
  requestBody?: unknown;
  parameters?: Json[];
  responses: Record<string, Json>;
}

/** The words each answer is documented with (a generated client's comments show them). */
const STATUS_DESCRIPTIONS: Record<string, string> = {
  '200': 'OK',
  '201': 'Created',
  '202': 'Accepted: under way, follow it as the answer says',
  '204': 'Done; no content',
  '400': 'The request is not valid: `errors` names each field (RFC 9457 problem document)',
  '401': 'No key, an unknown or revoked key, or an expired or revoked portal link',
  '403': 'This key may not do that (another tenant, an operator-only setting or action)',
  '404': 'Nothing this key may see has that id or name',
  '409': 'Conflicts with what exists (a name taken, a reference naming several subscriptions)',
  '413': 'The body is above the limit',
  '422': 'Understood but refused (an Idempotency-Key reused for another request, too many events)',
  '429': 'Too many such requests under way for this tenant; retry after Retry-After seconds',
  '500': 'Internal error (details are in the engine log, never in the answer)',
  '503': 'Temporal is unreachable from this engine; retry shortly',
};

/** The document's tags, in the order the reference lists them. */
const TAGS = [
  {
    name: 'subscriptions',
    description: 'Where events go: create, change, test, enable and disable subscriptions; rotate secrets; read breakers and the audit.',
  },
  { name: 'events', description: 'Search events and the attempt log, and replay events.' },
  { name: 'dead letters', description: 'Deliveries that exhausted their retry policy: list, retry, discard.' },
  { name: 'tenant limits', description: "Operators: each tenant's default endpoint limits and the target kinds opened to it." },
  { name: 'routing', description: 'Fan-out rules and saga routes.' },
  { name: 'event types', description: 'The event-type catalog: JSON Schemas checked before delivery.' },
  { name: 'signing keys', description: 'Public keys that verify v1a (ed25519) webhook signatures: a JWKS, readable without a key.' },
  { name: 'status', description: 'The installation at a glance (operators).' },
  { name: 'console', description: 'What the web console needs: who a key is, the overview, and portal links.' },
];

/** Answers every operation may give besides its own. */
const EVERY_OPERATION = ['400', '401', '403', '404', '409', '422', '500', '503'];
/** Operations whose answers include 429 (per-tenant limits on slow work). */
const LIMITED = new Set(['sendTestEvent', 'replayEvents']);

const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Send the same request again with the same key within 24 h and get the first answer back (header idempotent-replayed: true) without it running twice. Per API key; not honoured for portal links.',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};
const REPLAYED = {
  description: 'true when this answer is the first answer to an earlier request with the same Idempotency-Key',
  schema: { type: 'string', enum: ['true'] },
};
const RETRY_AFTER = { description: 'seconds to wait before sending it again', schema: { type: 'string' } };

/**
 * Finishes the generated document: an operationId for every operation (operation-ids.ts), the
 * server and licence, a description for every answer, problem answers declared as
 * `application/problem+json` (what is sent), 413/429/500/503 where they can happen,
 * `Idempotency-Key` on every POST, and no component that nothing uses.
 *
 * @example
 * await api.register(swagger, { openapi, transform: jsonSchemaTransform, transformObject: (input) => finishDocument(jsonSchemaTransformObject(input)) });
 */
export function finishDocument<T>(generated: T): T {
  const document = generated as Json & { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, unknown> }; info: Json };
  document.servers = [{ url: '/', description: 'this engine: the address its HTTP server listens on (OUTBOX_HTTP_HOST, OUTBOX_HTTP_PORT)' }];
  document.info.license = { name: 'Apache-2.0', identifier: 'Apache-2.0' };
  document.tags = TAGS;
  const problem = document.components?.schemas?.Problem !== undefined ? { $ref: '#/components/schemas/Problem' } : undefined;
  for (const [path, methods] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(methods)) {
      const key = `${method.toUpperCase()} ${path}`;
      const operationId = API_OPERATION_IDS[key];
      if (!operationId) throw new Error(`${key} has no operationId: add it to src/api/operation-ids.ts`);
      operation.operationId = operationId;
      const extra = [...EVERY_OPERATION, ...(operation.requestBody ? ['413'] : []), ...(LIMITED.has(operationId) ? ['429'] : [])];
      for (const status of extra) operation.responses[status] ??= {};
      for (const [status, response] of Object.entries(operation.responses)) {
        response.description = STATUS_DESCRIPTIONS[status] ?? response.description ?? 'Answer';
        if (Number(status) >= 400 && problem) response.content = { 'application/problem+json': { schema: problem } };
        if (status === '429') response.headers = { 'Retry-After': RETRY_AFTER };
        if (method === 'post' && Number(status) < 300) response.headers = { 'idempotent-replayed': REPLAYED, ...(response.headers as Json | undefined) };
      }
      if (method === 'post') operation.parameters = [...(operation.parameters ?? []), IDEMPOTENCY_KEY];
    }
  }
  addDiscriminators(document, 'kind');
  collapseNullables(document);
  splitTypeLists(document);
  dropUnusedComponents(document);
  return generated;
}

/**
 * Every `oneOf` whose members are components told apart by a constant `property` (the target
 * kinds) gets its `discriminator`, so generators make a tagged union instead of guessing.
 */
function addDiscriminators(document: Json & { components?: { schemas?: Record<string, unknown> } }, property: string): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Json>;
  const constOf = (ref: unknown): string | undefined => {
    const name = typeof ref === 'string' ? ref.replace('#/components/schemas/', '') : undefined;
    const value: unknown = name ? (schemas[name]?.properties as Record<string, Json> | undefined)?.[property]?.const : undefined;
    return typeof value === 'string' ? value : undefined;
  };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const schema = node as Json;
    const members = schema.oneOf as Json[] | undefined;
    if (Array.isArray(members) && members.length > 1 && members.every((member) => constOf(member.$ref) !== undefined)) {
      schema.discriminator = { propertyName: property, mapping: Object.fromEntries(members.map((member) => [constOf(member.$ref)!, member.$ref as string])) };
    }
    Object.values(schema).forEach(visit);
  };
  visit(document);
}

/**
 * `anyOf: [{type: T, …}, {type: "null"}]` (how zod writes a nullable time, number or object) as
 * `{type: [T, "null"], …}`: the same schema, in the form generators read as "nullable".
 */
function collapseNullables(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(collapseNullables);
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Json;
  const members = schema.anyOf as Json[] | undefined;
  if (Array.isArray(members) && members.length === 2) {
    const nullIndex = members.findIndex((member) => member.type === 'null' && Object.keys(member).length === 1);
    const other = members[1 - nullIndex];
    if (nullIndex >= 0 && other && typeof other.type === 'string' && other.$ref === undefined) {
      delete schema.anyOf;
      Object.assign(schema, other, { type: [other.type, 'null'] });
    }
  }
  Object.values(schema).forEach(collapseNullables);
}

/**
 * `type: ["string", "number"]` (a duration: "5s" or 5000) as `oneOf` of one type each, which
 * code generators turn into a union; several still refuse a list of types. `null` alongside one
 * other type stays as it is (nullable).
 */
function splitTypeLists(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(splitTypeLists);
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Json;
  const types = schema.type;
  if (Array.isArray(types) && !types.includes('null') && types.length > 1) {
    delete schema.type;
    schema.oneOf = (types as string[]).map((type) => ({ type }));
  }
  Object.values(schema).forEach(splitTypeLists);
}

/** Removes component schemas no operation reaches, directly or through other components. */
function dropUnusedComponents(document: Json & { paths: unknown; components?: { schemas?: Record<string, unknown> } }): void {
  const schemas = document.components?.schemas;
  if (!schemas) return;
  const reached = new Set<string>();
  const visit = (value: unknown): void => {
    const text = JSON.stringify(value);
    for (const [, name] of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (reached.has(name!) || !(name! in schemas)) continue;
      reached.add(name!);
      visit(schemas[name!]);
    }
  };
  visit(document.paths);
  for (const name of Object.keys(schemas)) if (!reached.has(name)) delete schemas[name];
}
