import type { Kysely } from 'kysely';
import type { Database, SubscriptionRow } from '../db/database.js';
import { deliveryFailure } from '../failures/classify-failure.js';
import { DeliveryFailureType } from '../failures/failure-types.js';
import { describeStoredPolicyProblem } from '../routing/route-row.js';

/**
 * Reads the subscription a delivery goes to and refuses, for good, one that cannot be delivered
 * to: removed, disabled, or with a stored retry policy that no longer parses (edited by hand).
 * Each refusal says what to do; the delivery becomes a dead letter with that reason.
 *
 * @example
 * const subscription = await loadSubscriptionForDelivery(db, '7');
 */
export async function loadSubscriptionForDelivery(db: Kysely<Database>, subscriptionId: string): Promise<SubscriptionRow> {
  const subscription = await db.selectFrom('outbox.subscriptions').selectAll().where('id', '=', subscriptionId).executeTakeFirst();
  if (!subscription) {
    throw deliveryFailure(DeliveryFailureType.subscriptionGone, `subscription ${subscriptionId} was removed after the event was routed; re-add it, then retry`);
  }
  refuseUndeliverable(subscription);
  return subscription;
}

/**
 * Refuses, for good, a subscription that cannot be delivered to: disabled, or with a stored
 * retry policy that no longer parses. The failure says what to do.
 *
 * @example
 * refuseUndeliverable(subscription); // throws SubscriptionGone for a disabled one
 */
export function refuseUndeliverable(subscription: Pick<SubscriptionRow, 'name' | 'enabled' | 'disabled_reason' | 'retry_policy'>): void {
  if (!subscription.enabled) {
    const why = subscription.disabled_reason ? ` (${subscription.disabled_reason})` : '';
    throw deliveryFailure(
      DeliveryFailureType.subscriptionGone,
      `subscription ${subscription.name} is disabled${why}; re-enable it (outbox subscriptions enable ${subscription.name}), then retry`,
    );
  }
  const policyProblem = describeStoredPolicyProblem(subscription.retry_policy);
  if (policyProblem) {
    throw deliveryFailure(
      DeliveryFailureType.misconfigured,
      `subscription ${subscription.name} has an invalid stored retry policy (${policyProblem}); correct retry_policy in outbox.subscriptions (or remove and re-add the subscription), then retry`,
    );
  }
}
