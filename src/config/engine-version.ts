import { readFileSync } from 'node:fs';

/**
 * This engine's version (package.json's, semver): what `outbox --version`, GET /v1/status and
 * the API document report, and what the client package is published with.
 *
 * @example
 * console.log(`outbox ${ENGINE_VERSION}`);
 */
export const ENGINE_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
