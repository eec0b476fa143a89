import { sql, type Kysely } from 'kysely';
import type { Database, SubscriptionRow } from '../db/database.js';
import { DeliveryError } from '../failures/delivery-error.js';
import { DeliveryFailureType } from '../failures/failure-types.js';
import { emitOperationalEvent, OPERATIONAL_EVENT } from './operational-events.js';

/**
 * Turns a subscription off because its endpoint answered 410 Gone, or has failed continuously
 * for longer than OUTBOX_ENDPOINT_DISABLE_AFTER, recording why; the delivery becomes a dead letter (never a
 * silent drop) that `outbox subscriptions enable` + `outbox dlq retry` can redrive. The tenant of
 * the event being delivered gets an `outbox.endpoint.disabled` event.
 *
 * @example
 * failure = await disableSubscription(db, subscription, 'endpoint answered 410 Gone', failure, { tenant: 'acme', eventType: 'invoice.sent' });
 */
export async function disableSubscription(
  db: Kysely<Database>,
  subscription: Pick<SubscriptionRow, 'id' | 'name'>,
  reason: string,
  failure: DeliveryError,
  about: { tenant: string; eventType: string },
): Promise<DeliveryError> {
  // The change and the tenant's outbox.endpoint.disabled event commit together, once.
  await db.transaction().execute(async (trx) => {
    const disabled = await trx
      .updateTable('outbox.subscriptions')
      .set({ enabled: false, disabled_reason: reason, disabled_at: sql`now()`, updated_at: sql`now()` })
      .where('id', '=', subscription.id)
      .where('enabled', '=', true)
      .returning(sql<string>`(extract(epoch FROM disabled_at) * 1000)::bigint::text`.as('at'))
      .executeTakeFirst();
    if (disabled) {
      await emitOperationalEvent(trx, about, OPERATIONAL_EVENT.endpointDisabled, `${subscription.id}:${disabled.at}`, {
        subscription: subscription.name,
        subscriptionId: subscription.id,
        reason,
        statusCode: failure.statusCode ?? null,
      });
    }
  });
  return new DeliveryError(
    `subscription ${subscription.name} was disabled: ${reason}. Fix the endpoint, then: outbox subscriptions enable ${subscription.name} && outbox dlq retry --all`,
    { type: DeliveryFailureType.subscriptionDisabled, statusCode: failure.statusCode },
  );
}
