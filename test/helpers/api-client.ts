// A client of the management API (the published client package in client/, openapi-fetch over
// the types openapi-typescript writes from the document the engine serves; the console uses it too), with every answer checked
// against the schema the document gives for its route and status (ajv), so the document
// cannot drift from the server.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { createOutboxClient } from '../../client/src/index.js';

type Document = {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
  components?: unknown;
};

/** Compiles every documented answer's schema; `check` then validates one answer. */
export function responseChecker(document: Document) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
  // Refs point into the document's components: register those under an id and point there.
  ajv.addSchema({ $id: 'openapi', components: document.components ?? {} });
  const compiled = new Map<string, ValidateFunction>();
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const content = response.content ?? {};
        const schema = content['application/json']?.schema ?? content['application/problem+json']?.schema;
        if (!schema) {
          // A documented answer without content (204): its body must be empty.
          compiled.set(
            `${method.toUpperCase()} ${path} ${status}`,
            Object.assign((body: unknown) => body === undefined, { errors: null }) as unknown as ValidateFunction,
          );
          continue;
        }
        const rewritten = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/')) as object;
        compiled.set(`${method.toUpperCase()} ${path} ${status}`, ajv.compile(rewritten));
      }
    }
  }
  return {
    /** Throws when the answer's status is not documented for the route, or its body breaks the schema. */
    check(method: string, schemaPath: string, status: number, body: unknown): void {
      const validate = compiled.get(`${method} ${schemaPath} ${status}`);
      if (!validate) throw new Error(`${method} ${schemaPath} answered ${status}, which the document does not list for it`);
      if (!validate(body))
        throw new Error(
          `${method} ${schemaPath} ${status}: the body breaks its documented schema: ${ajv.errorsText(validate.errors)}; body: ${JSON.stringify(body).slice(0, 500)}`,
        );
    },
  };
}

/** A typed client for one API key whose every answer is checked against the document. */
export function apiClient(baseUrl: string, key: string | undefined, checker: ReturnType<typeof responseChecker>, seen: Set<string>) {
  const client = createOutboxClient({ baseUrl, ...(key && { key }) });
  client.use({
    async onResponse({ request, response, schemaPath }) {
      const text = await response.clone().text();
      checker.check(request.method, schemaPath, response.status, text === '' ? undefined : JSON.parse(text));
      seen.add(`${request.method} ${schemaPath}`);
      return undefined;
    },
  });
  return client;
}
