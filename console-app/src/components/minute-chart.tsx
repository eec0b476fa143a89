import type { Schemas } from '../api-client';

type Minute = Schemas['Overview']['lastHour'][number];

/**
 * The last hour's attempts as bars, one per minute: delivered below, failed stacked on top. An SVG
 * drawn from the data (no chart library, no inline style); its label says the totals in words.
 */
export function MinuteChart(props: { minutes: Minute[] }) {
  const width = 600;
  const height = 120;
  const most = Math.max(1, ...props.minutes.map((m) => m.delivered + m.failed + m.skipped));
  const bar = width / Math.max(1, props.minutes.length);
  const delivered = props.minutes.reduce((sum, m) => sum + m.delivered, 0);
  const failed = props.minutes.reduce((sum, m) => sum + m.failed, 0);
  const scale = (count: number) => (count / most) * (height - 4);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`Last hour: ${delivered} attempts delivered, ${failed} failed`} preserveAspectRatio="none">
        {props.minutes.map((m, index) => {
          const ok = scale(m.delivered + m.skipped);
          const bad = scale(m.failed);
          return (
            <g key={m.minute}>
              <title>{`${new Date(m.minute).toLocaleTimeString()}: ${m.delivered} delivered, ${m.failed} failed, ${m.skipped} skipped`}</title>
              <rect class="bar-ok" x={index * bar + 1} y={height - ok} width={Math.max(1, bar - 2)} height={ok} />
              <rect class="bar-failed" x={index * bar + 1} y={height - ok - bad} width={Math.max(1, bar - 2)} height={bad} />
            </g>
          );
        })}
      </svg>
      <figcaption class="muted">Attempts per minute over the last hour (green delivered, red failed), now at the right.</figcaption>
    </figure>
  );
}
