-- The 412 Chinook invoices with their customer, for the end-to-end tests (SQLite spelling).
SELECT i.InvoiceId, i.InvoiceDate, i.Total, i.BillingCity, i.BillingCountry,
       c.CustomerId, c.Email,
       (SELECT COUNT(*) FROM InvoiceLine l WHERE l.InvoiceId = i.InvoiceId) AS ItemCount
FROM Invoice i
JOIN Customer c ON c.CustomerId = i.CustomerId
ORDER BY i.InvoiceId
