-- Ledger schema, version 3: no partial indexes on record states.
-- Every record of a first run entered and left both (pending, in flight, in a bulk job, sent):
-- five index writes per record, about a fifth of a first run's ledger work. What they served is
-- read once per run (the leftovers) or only after a crash (the records of a job still open),
-- and a scan of the records in id order, which every run already does to count gone records,
-- costs less than keeping them.
DROP INDEX records_unsent;
DROP INDEX records_in_job;
