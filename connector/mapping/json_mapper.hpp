#pragma once

#include "core/record.hpp"
#include "mapping_spec.hpp"

#include <memory>
#include <vector>

namespace connector::mapping {

/// Maps rows to Klaviyo profile or event records (the Mapper port): JSON:API resource objects
/// serialised deterministically (fixed key order, same row -> same bytes), their ledger key and
/// SHA-256 hash, or a Rejection naming the row, the column, a stable reason code and the value's
/// problem. Keeps no state between rows: duplicate keys within a run are the ledger's to find.
class JsonMapper : public connector::Mapper {
  public:
    /// Checks `spec` against the result's columns and prepares a plan per column.
    /// @throws ConfigError naming the mapping file (or the by-convention mapping), the key and the
    /// fix: a rule naming a missing column, two sources for one destination, a cast or null policy
    /// that does not fit its destination, no identifier column, no metric for events.
    JsonMapper(const MappingSpec &spec,
               connector::Target target,
               const std::vector<connector::Column> &columns);
    ~JsonMapper() override;
    JsonMapper(const JsonMapper &) = delete;
    JsonMapper &operator=(const JsonMapper &) = delete;

    /// Maps one row. Never throws for a bad row.
    connector::MapResult map(const connector::Row &row) override;

    /// The instant the event time window is measured from (default: when the mapper was made).
    void set_now(connector::Timestamp now);

  private:
    struct Plan;
    std::unique_ptr<Plan> plan_;
};

} // namespace connector::mapping
