import type { Schemas } from '../api-client';
import { when } from '../session';

/** Attempts, oldest first: when, which subscription, outcome, status code, duration and the answer's snippet. */
export function AttemptTimeline(props: { attempts: Schemas['DeliveryAttempt'][] }) {
  if (props.attempts.length === 0) return <p>No attempts yet.</p>;
  return (
    <ol class="timeline">
      {props.attempts.map((attempt) => (
        <li key={attempt.id} class={`attempt outcome-${attempt.outcome}`}>
          <div class="attempt-head">
            <span class={`badge outcome-${attempt.outcome}`}>{attempt.outcome.replace('_', ' ')}</span>
            <span>{`attempt ${attempt.attempt}`}</span>
            <span>{attempt.statusCode === null ? 'no HTTP status' : `HTTP ${attempt.statusCode}`}</span>
            <span>{`${Math.round(attempt.durationMs)} ms`}</span>
            <time dateTime={attempt.attemptedAt}>{when(attempt.attemptedAt)}</time>
          </div>
          <div class="muted">{attempt.target}</div>
          {attempt.error && <pre class="snippet">{attempt.error}</pre>}
        </li>
      ))}
    </ol>
  );
}
