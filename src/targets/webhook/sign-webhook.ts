import { Webhook } from 'standardwebhooks';
import { MissingSecretError } from '../../failures/delivery-error.js';
import type { SendContext } from '../target-kind.js';
import type { TargetMessage } from '../target-message.js';
import { signV1a } from './signing-key-ring.js';

/** What signing needs of a webhook's settings. */
export interface SigningSettings {
  secret: string;
  previousSecrets?: { secret: string; expiresAt: string }[] | undefined;
  signing?: 'hmac' | 'ed25519' | 'both' | undefined;
}

/**
 * The `webhook-signature` header: the v1 HMAC-SHA256 with the subscription's secret (`hmac`, the
 * default), the v1a ed25519 signature with the engine's signing keys (`ed25519`), or both; during
 * a rotation's grace, one signature per secret or key, space-separated (the spec's way).
 *
 * @example
 * headers['webhook-signature'] = await signWebhook(context, config, message, now);
 */
export async function signWebhook(context: SendContext, settings: SigningSettings, message: TargetMessage, now: Date): Promise<string> {
  const signing = settings.signing ?? 'hmac';
  const signatures: string[] = [];
  if (signing !== 'ed25519') {
    const secrets = [
      context.secret(settings.secret),
      ...(settings.previousSecrets ?? [])
        .filter((previous) => Date.parse(previous.expiresAt) > now.getTime())
        .map((previous) => context.secret(previous.secret)),
    ];
    signatures.push(...secrets.map((secret) => new Webhook(secret).sign(message.id, now, message.body)));
  }
  if (signing !== 'hmac') {
    if (!context.signingKeys) throw new MissingSecretError('this worker has no ed25519 signing keys to sign v1a with');
    const seconds = Math.floor(now.getTime() / 1000);
    signatures.push(...(await context.signingKeys()).map((key) => signV1a(key.privateKey, message.id, seconds, message.body)));
  }
  return signatures.join(' ');
}
