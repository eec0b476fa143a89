// Build step (`npm run build`): writes dist/workflow-bundle.js (and the traced variant) so
// workers start without webpack.
import { writeFile } from 'node:fs/promises';
import { bundleDeliveryWorkflows, PREBUILT_BUNDLE_PATH, PREBUILT_TRACED_BUNDLE_PATH } from './bundle-workflows.js';

for (const [tracing, path] of [
  [false, PREBUILT_BUNDLE_PATH],
  [true, PREBUILT_TRACED_BUNDLE_PATH],
] as const) {
  const { code } = await bundleDeliveryWorkflows({ tracing });
  await writeFile(path, code);
  console.log(`workflow bundle${tracing ? ' (with tracing)' : ''} written to ${path} (${Math.round(code.length / 1024)} KiB)`);
}
