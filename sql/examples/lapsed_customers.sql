-- Lapsed customers: bought before, but not in the 90 days before this run started.
-- Target: klaviyo_profiles   Mapping: mappings/examples/lapsed_customers.json
--
-- The run_started_at placeholder (in double braces below) is bound as a timestamp parameter
-- (UTC), so the cut-off moves with the schedule and a re-run of the same day gives the same
-- answer. Date arithmetic is not portable, so the line marked DIALECT has one form per
-- warehouse (RUN stands for the placeholder):
--   PostgreSQL, Redshift:  CAST(RUN AS TIMESTAMP) - INTERVAL '90 days'   (this file, the
--                          cast tells the server the type of the parameter)
--   Snowflake:             DATEADD(day, -90, RUN)
--   BigQuery:              TIMESTAMP_SUB(RUN, INTERVAL 90 DAY)
--   SQL Server:            DATEADD(day, -90, RUN)
--   SQLite:                datetime(RUN, '-90 days')
--
-- Sets lapsed = true with the last order time, for a win-back flow. When a customer orders
-- again they leave the result (counted as "gone" in the report). Pair it with a sync of
-- recent buyers if the flag must be cleared in Klaviyo.
SELECT
    c.customer_id               AS external_id,
    c.email                     AS email,
    c.phone                     AS phone,
    c.country_code              AS country_code,
    c.first_name                AS first_name,
    COUNT(o.order_id)           AS order_count,
    SUM(o.total)                AS lifetime_value,
    MAX(o.placed_at)            AS last_order_at
FROM customers c
JOIN orders o ON o.customer_id = c.customer_id
GROUP BY c.customer_id, c.email, c.phone, c.country_code, c.first_name
HAVING MAX(o.placed_at) < CAST({{run_started_at}} AS TIMESTAMP) - INTERVAL '90 days'  -- DIALECT
ORDER BY c.customer_id
