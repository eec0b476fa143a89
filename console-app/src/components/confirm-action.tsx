import { useEffect, useRef } from 'preact/hooks';

/**
 * A confirmation that says what will happen and to how many, before anything is changed. Focus
 * moves to it; Escape or Cancel backs out.
 */
export function ConfirmAction(props: { question: string; confirmLabel: string; onConfirm: () => void; onCancel: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div
      class="confirm"
      role="alertdialog"
      aria-modal="false"
      aria-labelledby="confirm-question"
      tabIndex={-1}
      ref={ref}
      onKeyDown={(event) => event.key === 'Escape' && props.onCancel()}
    >
      <p id="confirm-question">{props.question}</p>
      <button type="button" class="primary" onClick={props.onConfirm}>
        {props.confirmLabel}
      </button>
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
    </div>
  );
}
