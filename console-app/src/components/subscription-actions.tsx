import { useState } from 'preact/hooks';
import { api, describeProblem, type Schemas } from '../api-client';
import { ConfirmAction } from './confirm-action';
import { Notice } from './notice';

type Result = { kind: 'ok' | 'error'; text: string; secret?: string };

/** Enable or disable, send a test event, rotate the signing secret (the new one shown once). */
export function SubscriptionActions(props: { subscription: Schemas['Subscription']; onChanged: () => void }) {
  const s = props.subscription;
  const [result, setResult] = useState<Result>();
  const [confirmRotate, setConfirmRotate] = useState(false);
  const [busy, setBusy] = useState(false);
  const path = { params: { path: { id: s.id } } };
  const run = async (work: () => Promise<Result>) => {
    setBusy(true);
    setResult(await work().catch((error: unknown) => ({ kind: 'error' as const, text: describeProblem(error) })));
    setBusy(false);
    props.onChanged();
  };
  const toggle = () =>
    run(async () => {
      const { data, error } = s.enabled
        ? await api.POST('/v1/subscriptions/{id}/disable', { ...path, body: {} })
        : await api.POST('/v1/subscriptions/{id}/enable', { ...path, body: {} });
      return data
        ? { kind: 'ok', text: data.enabled ? `${s.name} is enabled.` : `${s.name} is disabled: new events skip it.` }
        : { kind: 'error', text: describeProblem(error) };
    });
  const testSend = () =>
    run(async () => {
      const { data, error, response } = await api.POST('/v1/subscriptions/{id}/test', { ...path, body: {} });
      if (!data) return { kind: 'error', text: describeProblem(error) };
      if (response.status === 202 || !('attempt' in data))
        return { kind: 'ok', text: `Test event ${data.eventId} is under way: ${'detail' in data ? data.detail : ''}` };
      const a = data.attempt;
      const answer = `${a.statusCode === null ? 'no HTTP status' : `HTTP ${a.statusCode}`} in ${Math.round(a.durationMs)} ms`;
      return a.outcome === 'delivered'
        ? { kind: 'ok', text: `Test event ${data.eventId} delivered: ${answer}.` }
        : {
            kind: 'error',
            text: `Test event ${data.eventId} was not delivered (${a.outcome.replace('_', ' ')}, ${answer})${a.error ? `: ${a.error}` : ''}. Check the endpoint, then test again.`,
          };
    });
  const rotate = () =>
    run(async () => {
      setConfirmRotate(false);
      const { data, error } = await api.POST('/v1/subscriptions/{id}/rotate-secret', { ...path, body: {} });
      if (!data) return { kind: 'error', text: describeProblem(error) };
      const grace = data.previousSecretsUntil ? ` The old secret keeps signing until ${new Date(data.previousSecretsUntil).toLocaleString()}.` : '';
      return { kind: 'ok', text: `New signing secret, shown only now: store it in the receiver.${grace}`, secret: data.secret };
    });
  return (
    <div>
      <div class="toolbar">
        <button type="button" class="primary" disabled={busy} onClick={() => void testSend()}>
          Send a test event
        </button>
        <button type="button" disabled={busy} onClick={() => void toggle()}>
          {s.enabled ? 'Disable' : 'Enable'}
        </button>
        {s.targetKind === 'webhook' && (
          <button type="button" disabled={busy} onClick={() => setConfirmRotate(true)}>
            Rotate signing secret
          </button>
        )}
      </div>
      {confirmRotate && (
        <ConfirmAction
          question="Make a new signing secret? Deliveries carry signatures with both secrets for 24 hours, then with the new one only."
          confirmLabel="Rotate secret"
          onConfirm={() => void rotate()}
          onCancel={() => setConfirmRotate(false)}
        />
      )}
      {result && (
        <Notice kind={result.kind}>
          {result.text}
          {result.secret && (
            <>
              {' '}
              <code class="secret">{result.secret}</code>
            </>
          )}
        </Notice>
      )}
    </div>
  );
}
