-- Orders placed since the sync last succeeded, as "Placed Order" events.
-- Target: klaviyo_events   Mapping: mappings/examples/orders_since_last_run.json
-- The events sync of the demo. Runs on the sample shop in SQLite and PostgreSQL alike.
--
-- The last_success_started_at placeholder (below, in double braces) is the start time of the
-- last successful run of this sync (the Unix epoch before the first one), bound as a timestamp
-- parameter, never pasted into the SQL. The first run therefore reads every order, each daily
-- run after it reads only the new ones.
-- The comparison is >=, and the window overlaps the previous run a little on purpose: an order
-- read twice keeps its unique id, and the ledger never sends an event twice.
--
-- On a real warehouse, filter on the column your loader sets when a row arrives (e.g.
-- _loaded_at, updated_at) rather than on the business time, so late-arriving orders are not
-- missed.
SELECT
    'order-' || CAST(o.order_id AS VARCHAR(20)) AS unique_id,
    o.order_id                                  AS order_id,
    o.placed_at                                 AS placed_at,
    o.total                                     AS total,
    o.currency                                  AS currency,
    o.item_count                                AS item_count,
    o.channel                                   AS channel,
    c.customer_id                               AS external_id,
    c.email                                     AS email,
    c.phone                                     AS phone,
    c.country_code                              AS country_code
FROM orders o
JOIN customers c ON c.customer_id = o.customer_id
WHERE o.placed_at >= {{last_success_started_at}}
ORDER BY o.placed_at, o.order_id
