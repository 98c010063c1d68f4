#include "chinook_checks.hpp"

#include "e2e_support.hpp"

#include <Poco/JSON/Array.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <map>

namespace connector::e2e {

const char *const chinook_customers_sqlite =
    "SELECT CustomerId, FirstName, LastName, Company, Address, City, State, Country, "
    "PostalCode, Phone, Email, SupportRepId, Fax FROM Customer ORDER BY CustomerId";
const char *const chinook_customers_postgres =
    "SELECT customer_id, first_name, last_name, company, address, city, state, country, "
    "postal_code, phone, email, support_rep_id, fax FROM customer ORDER BY customer_id";
const char *const chinook_invoices_sqlite =
    "SELECT i.InvoiceId, i.CustomerId, c.Email, strftime('%Y-%m-%d %H:%M:%S', i.InvoiceDate), "
    "i.Total, i.BillingCity, i.BillingCountry, "
    "(SELECT COUNT(*) FROM InvoiceLine l WHERE l.InvoiceId = i.InvoiceId) "
    "FROM Invoice i JOIN Customer c ON c.CustomerId = i.CustomerId ORDER BY i.InvoiceId";
const char *const chinook_invoices_postgres =
    "SELECT i.invoice_id, i.customer_id, c.email, "
    "to_char(i.invoice_date, 'YYYY-MM-DD HH24:MI:SS'), i.total, i.billing_city, "
    "i.billing_country, (SELECT COUNT(*) FROM invoice_line l WHERE l.invoice_id = i.invoice_id) "
    "FROM invoice i JOIN customer c ON c.customer_id = i.customer_id ORDER BY i.invoice_id";

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::map<std::string, Object::Ptr> by(const Array::Ptr &items, const std::string &field) {
    std::map<std::string, Object::Ptr> out;
    for (std::size_t i = 0; i < items->size(); ++i) {
        const Object::Ptr o = items->getObject(static_cast<unsigned>(i));
        out[text(o, field)] = o;
    }
    return out;
}

bool is_e164(const std::string &phone) {
    return phone.size() >= 8 && phone[0] == '+' &&
           std::all_of(phone.begin() + 1, phone.end(),
                       [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

} // namespace

void check_profiles(const Object::Ptr &state, const Rows &customers, const Object::Ptr &report) {
    REQUIRE(customers.size() == 59);
    CHECK(state->getValue<int>("profile_count") == 59);
    const auto profiles = by(state->getArray("profiles"), "external_id");
    REQUIRE(profiles.size() == 59);

    std::size_t without_phone = 0, null_phones = 0;
    for (const auto &c : customers) {
        INFO("customer " << c[0]);
        REQUIRE(profiles.count(c[0]) == 1);
        const Object::Ptr p = profiles.at(c[0]);
        const Object::Ptr a = p->getObject("attributes");
        const Object::Ptr loc = a->getObject("location");
        const Object::Ptr props = p->getObject("properties");
        CHECK(text(p, "email") == lower(c[10]));
        CHECK(text(a, "first_name") == c[1]);
        CHECK(text(a, "last_name") == c[2]);
        CHECK(text(a, "organization") == c[3]);
        CHECK(text(loc, "address1") == c[4]);
        CHECK(text(loc, "city") == c[5]);
        CHECK(text(loc, "region") == c[6]);
        CHECK(text(loc, "country") == c[7]);
        CHECK(text(loc, "zip") == c[8]);
        CHECK(text(props, "support_rep_id") == c[11]);
        CHECK(text(props, "fax") == c[12]);
        CHECK(text(props, "source") == "chinook");
        const std::string phone = text(p, "phone_number");
        if (c[9].empty())
            ++null_phones;
        if (phone.empty())
            ++without_phone;
        else
            CHECK(is_e164(phone));
    }
    // Customer 1 in full, as a person would check it.
    const Object::Ptr luis = profiles.at("1");
    CHECK(text(luis, "phone_number") == "+551239235555");
    CHECK(text(luis->getObject("attributes"), "first_name") == "Luís");
    CHECK(text(luis->getObject("attributes"), "last_name") == "Gonçalves");
    CHECK(text(luis->getObject("attributes")->getObject("location"), "city") ==
          "São José dos Campos");

    // Phones libphonenumber could not parse were dropped with a warning, the rest are E.164.
    const Object::Ptr warnings = report->getObject("warnings");
    const std::size_t dropped =
        warnings->has("invalid_phone_dropped")
            ? static_cast<std::size_t>(
                  warnings->getObject("invalid_phone_dropped")->getValue<int>("count"))
            : 0;
    CHECK(dropped > 0);
    CHECK(without_phone == dropped + null_phones);
}

void check_events(const Object::Ptr &state, const Rows &invoices) {
    REQUIRE(invoices.size() == 412);
    CHECK(state->getValue<int>("event_count") == 412);
    const auto events = by(state->getArray("events"), "unique_id");
    REQUIRE(events.size() == 412);
    double total = 0, expected_total = 0;
    for (const auto &i : invoices) {
        INFO("invoice " << i[0]);
        REQUIRE(events.count(i[0]) == 1);
        const Object::Ptr e = events.at(i[0]);
        CHECK(text(e, "metric") == "Placed Order");
        CHECK(std::stod(text(e, "value")) == Approx(std::stod(i[4])));
        CHECK(text(e, "value_currency") == "USD");
        std::string time = i[3];
        time[10] = 'T';
        CHECK(text(e, "time") == time + "+00:00");
        const Object::Ptr profile = e->getObject("profile");
        CHECK(text(profile, "external_id") == i[1]);
        CHECK(text(profile, "email") == lower(i[2]));
        const Object::Ptr props = e->getObject("properties");
        CHECK(text(props, "billing_city") == i[5]);
        CHECK(text(props, "billing_country") == i[6]);
        CHECK(text(props, "item_count") == i[7]);
        total += std::stod(text(e, "value"));
        expected_total += std::stod(i[4]);
    }
    CHECK(total == Approx(expected_total));
    CHECK(state->getObject("duplicates_dropped")->getValue<int>("events") == 0);
}

} // namespace connector::e2e
