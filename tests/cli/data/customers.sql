-- A tiny query for the CLI tests: they stop before it runs.
SELECT 'ada@example.org' AS email, 'Ada' AS first_name
