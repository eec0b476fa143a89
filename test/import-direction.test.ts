// The import-direction rule (eslint/import-direction.js) that keeps src/'s rooms free of cycles,
// run on sample sources with ESLint's RuleTester.
import path from 'node:path';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, it } from 'vitest';
import { importDirection } from '../eslint/import-direction.js';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const src = (file: string) => path.join(process.cwd(), 'src', file);
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser } });

tester.run('import-direction', importDirection, {
  valid: [
    { filename: src('outbox/relay.ts'), code: "import { x } from '../db/database.js';" },
    { filename: src('outbox/relay.ts'), code: "import { x } from './claim-pending-events.js';" },
    { filename: src('workflows/deliver-once.ts'), code: "import type { FirstAttempt } from '../activities/first-pass.js';" },
    { filename: src('workflows/deliver-once.ts'), code: "import { type FirstAttempt } from '../activities/first-pass.js';" },
    { filename: src('cli/main.ts'), code: "import { startEngine } from '../engine/start-engine.js';" },
    { filename: path.join(process.cwd(), 'test/a.test.ts'), code: "import { x } from '../src/outbox/relay.js';" },
  ],
  invalid: [
    {
      filename: src('db/database.ts'),
      code: "import { relay } from '../outbox/relay.js';",
      errors: [{ message: /src\/db may not import src\/outbox: outbox is on a higher layer/ }],
    },
    { filename: src('outbox/relay.ts'), code: "export { a } from '../temporal/dev-server.js';", errors: [{ message: /same layer/ }] },
    { filename: src('workflows/deliver-once.ts'), code: "import { firstPass } from '../activities/first-pass.js';", errors: [{ message: /as types only/ }] },
    { filename: src('newroom/thing.ts'), code: "import { x } from '../db/database.js';", errors: [{ message: /src\/newroom is on no layer/ }] },
  ],
});
