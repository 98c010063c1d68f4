-- Benchmark events query: every order as a "Placed Order" event of its customer.
SELECT 'Placed Order' AS metric,
       c.email,
       'order-' || o.order_id AS unique_id,
       o.placed_at AS time,
       o.total AS value,
       o.currency AS value_currency,
       o.order_id,
       o.item_count,
       o.channel
FROM orders o
JOIN customers c ON c.customer_id = o.customer_id
