import type { Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { ensureSearchAttributes, missingSearchAttributesAdvice } from './ensure-search-attributes.js';

/** How often a namespace missing the attributes is checked again. */
const RECHECK_MS = 5 * 60_000;

/**
 * Whether the namespace has the Outbox* search attributes, registering them where allowed and
 * checking again every 5 minutes while they are missing. Workflows started while they are
 * missing set none (DeliverEventInput.searchAttributes); those started after they exist do.
 *
 * @example
 * const attributes = await SearchAttributeWatch.start(connection, namespace, logger);
 * startDeliveryWorkflow(client, event, { ...options, searchAttributes: attributes.available });
 */
export class SearchAttributeWatch {
  available = false;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly connection: Connection,
    private readonly namespace: string,
    private readonly logger: Logger,
  ) {}

  static async start(connection: Connection, namespace: string, logger: Logger): Promise<SearchAttributeWatch> {
    const watch = new SearchAttributeWatch(connection, namespace, logger);
    await watch.check(true);
    return watch;
  }

  private async check(first: boolean): Promise<void> {
    const found = await ensureSearchAttributes(this.connection, this.namespace);
    if (found.added.length > 0) this.logger.info({ added: found.added }, 'registered search attributes');
    this.available = found.missing.length === 0;
    if (this.available) {
      if (!first) this.logger.info('the Outbox* search attributes exist now: new workflows carry them');
      return;
    }
    if (first) this.logger.warn({ missing: found.missing, reason: found.reason }, missingSearchAttributesAdvice(found.missing, this.namespace));
    this.timer = setTimeout(() => void this.check(false).catch(() => undefined), RECHECK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
