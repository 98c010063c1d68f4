-- Every customer as a Klaviyo profile, with lifetime value and order count.
-- Target: klaviyo_profiles   Mapping: mappings/examples/customers.json
-- The profiles sync of the demo. Runs on the sample shop (sql/sample/sample_shop.sql) in SQLite and
-- PostgreSQL alike. On a real Shopify-style warehouse, rename the tables and columns.
--
-- Each row is one profile: the ledger remembers what was sent, so a daily run sends only the
-- customers whose row changed (a new order changes lifetime_value and order_count).
SELECT
    c.customer_id                      AS external_id,
    c.email                            AS email,
    c.phone                            AS phone,
    c.country_code                     AS country_code,
    c.first_name                       AS first_name,
    c.last_name                        AS last_name,
    c.city                             AS city,
    c.signed_up_at                     AS signed_up_at,
    c.accepts_marketing                AS accepts_marketing,
    c.loyalty_tier                     AS loyalty_tier,
    COUNT(o.order_id)                  AS order_count,
    COALESCE(SUM(o.total), 0)          AS lifetime_value,
    MAX(o.placed_at)                   AS last_order_at
FROM customers c
LEFT JOIN orders o ON o.customer_id = c.customer_id
GROUP BY c.customer_id, c.email, c.phone, c.country_code, c.first_name, c.last_name, c.city,
         c.signed_up_at, c.accepts_marketing, c.loyalty_tier
ORDER BY c.customer_id
