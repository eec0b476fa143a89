// Build step (`npm run build`): writes dist/workflow-bundle.js so workers start without webpack.
import { writeFile } from 'node:fs/promises';
import { bundleDeliveryWorkflows, PREBUILT_BUNDLE_PATH } from './bundle-workflows.js';

const { code } = await bundleDeliveryWorkflows();
await writeFile(PREBUILT_BUNDLE_PATH, code);
console.log(`workflow bundle written to ${PREBUILT_BUNDLE_PATH} (${Math.round(code.length / 1024)} KiB)`);
