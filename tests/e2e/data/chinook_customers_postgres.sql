-- The 59 Chinook customers, for the end-to-end tests (PostgreSQL spelling of the schema, with
-- the same column names as the SQLite query so one mapping file serves both).
SELECT customer_id AS "CustomerId", first_name AS "FirstName", last_name AS "LastName",
       company AS "Company", address AS "Address", city AS "City", state AS "State",
       country AS "Country", postal_code AS "PostalCode", phone AS "Phone", fax AS "Fax",
       email AS "Email", support_rep_id AS "SupportRepId"
FROM customer
ORDER BY customer_id
