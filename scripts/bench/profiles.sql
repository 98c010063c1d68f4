-- Benchmark profiles query: every customer, columns named like Klaviyo fields (no mapping file).
SELECT 'cust_' || customer_id AS external_id,
       email,
       phone AS phone_number,
       first_name,
       last_name,
       city AS "location.city",
       loyalty_tier,
       lifetime_value,
       order_count,
       signed_up_at
FROM customers
