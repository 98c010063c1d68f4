-- The 59 Chinook customers, for the end-to-end tests (SQLite spelling of the schema).
SELECT CustomerId, FirstName, LastName, Company, Address, City, State, Country, PostalCode,
       Phone, Fax, Email, SupportRepId
FROM Customer
ORDER BY CustomerId
