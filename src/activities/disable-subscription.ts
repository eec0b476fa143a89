import { sql, type Kysely } from 'kysely';
import type { Database, SubscriptionRow } from '../db/database.js';
import { DeliveryError, DeliveryFailureType } from './delivery-failure.js';

/**
 * Turns a subscription off because its endpoint answered 410 Gone, or has failed continuously
 * for longer than OUTBOX_ENDPOINT_DISABLE_AFTER, recording why; the delivery becomes a dead letter (never a
 * silent drop) that `outbox subscriptions enable` + `outbox dlq retry` can redrive.
 *
 * @example
 * failure = await disableSubscription(db, subscription, 'endpoint answered 410 Gone', failure);
 */
export async function disableSubscription(db: Kysely<Database>, subscription: Pick<SubscriptionRow, 'id' | 'name'>, reason: string, failure: DeliveryError): Promise<DeliveryError> {
  await db
    .updateTable('outbox.subscriptions')
    .set({ enabled: false, disabled_reason: reason, disabled_at: sql`now()`, updated_at: sql`now()` })
    .where('id', '=', subscription.id)
    .where('enabled', '=', true)
    .execute();
  return new DeliveryError(
    `subscription ${subscription.name} was disabled: ${reason}. Fix the endpoint, then: outbox subscriptions enable ${subscription.name} && outbox dlq retry --all`,
    false,
    failure.statusCode,
    undefined,
    DeliveryFailureType.subscriptionDisabled,
  );
}
