import { deliveryFailure } from '../failures/classify-failure.js';
import { DeliveryFailureType } from '../failures/failure-types.js';
import type { TargetKind } from '../targets/target-kind.js';
import { targetKindNamed } from '../targets/target-registry.js';

/**
 * A subscription's target kind and parsed settings, or a failure for good that says what to do:
 * a kind this engine version does not know (upgrade the workers), or stored settings that no
 * longer parse (edited by hand; fields are named, values never).
 *
 * @example
 * const { kind, config } = deliverableTarget(subscription);
 */
export function deliverableTarget(subscription: { name: string; target_kind: string; target_config: unknown }): { kind: TargetKind; config: unknown } {
  const kind = targetKindNamed(subscription.target_kind);
  if (!kind) {
    throw deliveryFailure(
      DeliveryFailureType.misconfigured,
      `subscription ${subscription.name} has target kind "${subscription.target_kind}", which this engine version cannot deliver to; upgrade the workers`,
    );
  }
  const parsed = kind.configSchema.safeParse(subscription.target_config);
  if (parsed.success) return { kind, config: parsed.data };
  const fields = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  throw deliveryFailure(DeliveryFailureType.misconfigured, `subscription ${subscription.name} has invalid target settings (${fields}); fix them, then retry`);
}
