-- Why an operator discarded a dead letter (or what resolved it), shown by `outbox dlq list`.
ALTER TABLE outbox.dead_letters ADD COLUMN resolution_reason text;
