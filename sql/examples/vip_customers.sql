-- VIP customers: lifetime value of 500 or more, or a gold loyalty tier.
-- Target: klaviyo_profiles   Mapping: mappings/examples/vip_customers.json
-- Runs on the sample shop in SQLite and PostgreSQL alike (standard SQL).
--
-- Sets the profile properties vip, order_count and lifetime_value, which a Klaviyo
-- segment ("vip is true") can use for flows and campaigns. A customer who stops qualifying
-- drops out of the result: the run counts and lists such records as "gone" (gone.examples
-- in the report) but does not change them in Klaviyo. Add a second sync with the
-- complement query (vip false) if the flag must be cleared.
--
-- Lifetime value here is the plain sum of order totals. A shop that sells in several
-- currencies should sum a converted column instead.
SELECT
    c.customer_id               AS external_id,
    c.email                     AS email,
    c.phone                     AS phone,
    c.country_code              AS country_code,
    c.first_name                AS first_name,
    c.last_name                 AS last_name,
    c.loyalty_tier              AS loyalty_tier,
    COUNT(o.order_id)           AS order_count,
    COALESCE(SUM(o.total), 0)   AS lifetime_value,
    MAX(o.placed_at)            AS last_order_at
FROM customers c
LEFT JOIN orders o ON o.customer_id = c.customer_id
GROUP BY c.customer_id, c.email, c.phone, c.country_code, c.first_name, c.last_name,
         c.loyalty_tier
HAVING COALESCE(SUM(o.total), 0) >= 500 OR c.loyalty_tier = 'gold'
ORDER BY lifetime_value DESC, c.customer_id
