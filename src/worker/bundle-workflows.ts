import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';

/** Where `npm run build` writes the prebuilt workflow bundles (dist/workflow-bundle*.js). */
export const PREBUILT_BUNDLE_PATH = fileURLToPath(new URL('../workflow-bundle.js', import.meta.url));
export const PREBUILT_TRACED_BUNDLE_PATH = fileURLToPath(new URL('../workflow-bundle-traced.js', import.meta.url));

/** The workflows entry point, whether running from TypeScript sources (tests) or dist/. */
function workflowsEntry(): string {
  const compiled = fileURLToPath(new URL('../workflows/index.js', import.meta.url));
  return existsSync(compiled) ? compiled : fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
}

/**
 * Bundles the workflow code with the SDK's webpack bundler. Takes a few seconds, so the build
 * does it once (dist/workflow-bundle.js) and tests once per run. `tracing` adds the
 * OpenTelemetry workflow interceptors: a separate bundle, because they cost about a quarter of
 * the worker's CPU per event (measured with `npm run bench`) and tracing is off by default.
 *
 * @example
 * const { code } = await bundleDeliveryWorkflows({ tracing: false });
 * await Worker.create({ workflowBundle: { code }, ... });
 */
export async function bundleDeliveryWorkflows(options: { tracing: boolean } = { tracing: false }): Promise<{ code: string }> {
  return bundleWorkflowCode({
    workflowsPath: workflowsEntry(),
    // Spans for workflow runs and activity scheduling (the traced bundle only).
    workflowInterceptorModules: options.tracing
      ? [createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')]
      : [],
    // webpack's module-by-module report is noise for operators; warnings still show.
    logger: new DefaultLogger('WARN'),
    webpackConfigHook: (config) => {
      // Sources import './x.js' (NodeNext ESM); in TypeScript sources the file is x.ts.
      config.resolve = { ...config.resolve, extensionAlias: { '.js': ['.ts', '.js'] } };
      return config;
    },
  });
}

/**
 * The prebuilt bundle (traced or not) when `npm run build` made one, otherwise a fresh bundle.
 *
 * @example
 * const bundle = await loadWorkflowBundle({ tracing: false });
 */
export async function loadWorkflowBundle(options: { tracing: boolean } = { tracing: false }): Promise<{ code: string }> {
  const path = options.tracing ? PREBUILT_TRACED_BUNDLE_PATH : PREBUILT_BUNDLE_PATH;
  if (existsSync(path)) return { code: await readFile(path, 'utf8') };
  return bundleDeliveryWorkflows(options);
}
