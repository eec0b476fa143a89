-- Content filters: a subscription may receive only the events its filter matches (see
-- src/subscriptions/content-filter.ts; validated when saved). An event the filter leaves out is
-- logged as a 'skipped' attempt for that subscription: not failed, not retried.
ALTER TABLE outbox.subscriptions ADD COLUMN filter jsonb
  CONSTRAINT subscriptions_filter_object CHECK (filter IS NULL OR jsonb_typeof(filter) = 'object');
ALTER TABLE outbox.deliveries DROP CONSTRAINT deliveries_outcome_known;
ALTER TABLE outbox.deliveries ADD CONSTRAINT deliveries_outcome_known CHECK (outcome IN ('delivered', 'retryable_failure', 'permanent_failure', 'skipped'));
