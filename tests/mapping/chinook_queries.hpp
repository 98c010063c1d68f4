#pragma once

/// The Chinook queries behind the golden payloads (tests/data/golden/) and the benchmark.
namespace connector::test {

/// Customers, every column as stored; mapped with mappings/chinook_customers.json.
inline constexpr const char *chinook_customers_sql =
    "SELECT CustomerId, FirstName, LastName, Company, Address, City, State, Country, PostalCode, "
    "Phone, Fax, Email, SupportRepId FROM Customer ORDER BY CustomerId";

/// Invoices with their customer, track ids and genres; mapped with
/// mappings/chinook_invoices.json.
inline constexpr const char *chinook_invoices_sql =
    "SELECT 'chinook-invoice-' || i.InvoiceId AS InvoiceKey, c.Email AS CustomerEmail, "
    "c.CustomerId, c.FirstName AS \"Customer First Name\", i.InvoiceId AS order_id, "
    "i.InvoiceDate, i.Total, i.BillingCity, i.BillingCountry, i.BillingPostalCode, "
    "(SELECT group_concat(l.TrackId, ',') FROM (SELECT TrackId FROM InvoiceLine "
    "  WHERE InvoiceId = i.InvoiceId ORDER BY InvoiceLineId) l) AS Tracks, "
    "(SELECT json_group_array(g.Name) FROM (SELECT DISTINCT gn.Name FROM InvoiceLine il "
    "  JOIN Track t ON t.TrackId = il.TrackId JOIN Genre gn ON gn.GenreId = t.GenreId "
    "  WHERE il.InvoiceId = i.InvoiceId ORDER BY gn.Name) g) AS Genres, "
    "(SELECT e.FirstName || ' ' || e.LastName FROM Employee e WHERE e.EmployeeId = "
    "  c.SupportRepId) AS SupportRep, "
    "(SELECT COUNT(*) FROM InvoiceLine l WHERE l.InvoiceId = i.InvoiceId) AS item_count "
    "FROM Invoice i JOIN Customer c ON c.CustomerId = i.CustomerId ORDER BY i.InvoiceId";

} // namespace connector::test
