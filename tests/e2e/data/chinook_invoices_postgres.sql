-- The 412 Chinook invoices with their customer, for the end-to-end tests (PostgreSQL spelling).
SELECT i.invoice_id AS "InvoiceId", i.invoice_date AS "InvoiceDate", i.total AS "Total",
       i.billing_city AS "BillingCity", i.billing_country AS "BillingCountry",
       c.customer_id AS "CustomerId", c.email AS "Email",
       (SELECT COUNT(*) FROM invoice_line l WHERE l.invoice_id = i.invoice_id) AS "ItemCount"
FROM invoice i
JOIN customer c ON c.customer_id = i.customer_id
ORDER BY i.invoice_id
