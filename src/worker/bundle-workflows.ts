import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';

/** Where `npm run build` writes the prebuilt workflow bundle (dist/workflow-bundle.js). */
export const PREBUILT_BUNDLE_PATH = fileURLToPath(new URL('../workflow-bundle.js', import.meta.url));

/** The workflows entry point, whether running from TypeScript sources (tests) or dist/. */
function workflowsEntry(): string {
  const compiled = fileURLToPath(new URL('../workflows/index.js', import.meta.url));
  return existsSync(compiled) ? compiled : fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
}

/**
 * Bundles the workflow code with the SDK's webpack bundler. Takes a few seconds, so the build
 * does it once (dist/workflow-bundle.js) and tests once per run.
 *
 * @example
 * const { code } = await bundleDeliveryWorkflows();
 * await Worker.create({ workflowBundle: { code }, ... });
 */
export async function bundleDeliveryWorkflows(): Promise<{ code: string }> {
  return bundleWorkflowCode({
    workflowsPath: workflowsEntry(),
    // Spans for workflow runs and activity scheduling; dropped unless the worker traces.
    workflowInterceptorModules: [createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')],
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
 * The prebuilt bundle when `npm run build` made one, otherwise a fresh bundle.
 *
 * @example
 * const bundle = await loadWorkflowBundle();
 */
export async function loadWorkflowBundle(): Promise<{ code: string }> {
  if (existsSync(PREBUILT_BUNDLE_PATH)) return { code: await readFile(PREBUILT_BUNDLE_PATH, 'utf8') };
  return bundleDeliveryWorkflows();
}
