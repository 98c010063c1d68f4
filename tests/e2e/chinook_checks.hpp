#pragma once
// Field-by-field checks of what the fake Klaviyo holds after the Chinook syncs, against rows read
// independently from the sample database.

#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

namespace connector::e2e {

using Rows = std::vector<std::vector<std::string>>;

/// Columns: CustomerId, FirstName, LastName, Company, Address, City, State, Country, PostalCode,
/// Phone, Email, SupportRepId, Fax.
extern const char *const chinook_customers_sqlite;
extern const char *const chinook_customers_postgres;
/// Columns: InvoiceId, CustomerId, Email, InvoiceDate (YYYY-MM-DD HH:MM:SS), Total, BillingCity,
/// BillingCountry, line count.
extern const char *const chinook_invoices_sqlite;
extern const char *const chinook_invoices_postgres;

/// Every customer is one profile with its fields; phones are E.164 or absent, and absent ones
/// are exactly those the report lists as dropped plus those that were NULL.
void check_profiles(const Poco::JSON::Object::Ptr &state,
                    const Rows &customers,
                    const Poco::JSON::Object::Ptr &report);

/// Every invoice is one "Placed Order" event with the invoice id as unique id, the total as
/// value, its time and its customer.
void check_events(const Poco::JSON::Object::Ptr &state, const Rows &invoices);

} // namespace connector::e2e
